"""Scenario files: frozen pydantic models, YAML loading with ``extends:``, JSON schema."""

from ftztwin.scenario.dists import Dist, Exponential, Fixed, LogNormal, Triangular, Uniform
from ftztwin.scenario.loader import canonical_yaml, digest, load_scenario, merge, parse_scenario
from ftztwin.scenario.models import (
    Arrival,
    Device,
    DeviceUncertainty,
    Gate,
    Levers,
    Run,
    Scenario,
    Site,
    StaffPool,
    StaffRole,
    Times,
    Uncertainties,
    Zone,
)
from ftztwin.scenario.schema import SCHEMA_PATH, schema_json

__all__ = [
    "SCHEMA_PATH",
    "Arrival",
    "Device",
    "DeviceUncertainty",
    "Dist",
    "Exponential",
    "Fixed",
    "Gate",
    "Levers",
    "LogNormal",
    "Run",
    "Scenario",
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
    "load_scenario",
    "merge",
    "parse_scenario",
    "schema_json",
]
