"""The gates of a scenario, assembled: the twin's and the scenario-based live sites' entry.

The assembly itself (policy, sensor map, actuators) is :mod:`ftz_spec.assembly`; this
module only applies a scenario's lever (``levers.intelligent_gates``) to it.
"""

from __future__ import annotations

from ftz_spec.assembly import GateAssembly, assemble_site
from ftz_spec.models import Scenario

__all__ = ["scenario_gates"]


def scenario_gates(scenario: Scenario) -> dict[str, GateAssembly]:
    """Return every gate of ``scenario`` assembled under its levers, keyed by ref.

    Raises:
        ftz_spec.assembly.AssemblyError: A gate cannot be assembled.
    """
    return assemble_site(scenario.site, scenario.levers.intelligent_gates)
