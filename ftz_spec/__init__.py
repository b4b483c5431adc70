"""The scenario and site specification: the layer every composition root reads.

Frozen pydantic models of a scenario (site, uncertainties, levers, run settings), YAML
loading with ``extends:``, the JSON schema, risk files, and each gate's description
(:mod:`ftz_spec.gates`). It sits below the twin, the live runtime and the edge
(``ftztwin``) and above the core and the device registry: a scenario is a foundation, not
the edge, so the twin and the live service read the same description of a gate.
"""

from ftz_spec.dists import Dist, Exponential, Fixed, LogNormal, Triangular, Uniform
from ftz_spec.loader import canonical_yaml, digest, load_scenario, merge, parse_scenario
from ftz_spec.models import (
    Device,
    DeviceUncertainty,
    Enterprises,
    Flow,
    Gate,
    Levers,
    Outage,
    Place,
    Road,
    Run,
    Scenario,
    SetupWarning,
    Site,
    StaffPool,
    StaffRole,
    Times,
    Uncertainties,
    Zone,
    flow_line,
)
from ftz_spec.schema import SCHEMA_PATH, schema_json

__all__ = [
    "SCHEMA_PATH",
    "Device",
    "DeviceUncertainty",
    "Dist",
    "Enterprises",
    "Exponential",
    "Fixed",
    "Flow",
    "Gate",
    "Levers",
    "LogNormal",
    "Outage",
    "Place",
    "Road",
    "Run",
    "Scenario",
    "SetupWarning",
    "Site",
    "StaffPool",
    "StaffRole",
    "Times",
    "Triangular",
    "Uncertainties",
    "Uniform",
    "Zone",
    "canonical_yaml",
    "digest",
    "flow_line",
    "load_scenario",
    "merge",
    "parse_scenario",
    "schema_json",
]
