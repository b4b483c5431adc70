"""Short variants of the shipped scenarios for tests."""

from __future__ import annotations

from typing import Any

from ftz_spec import Scenario, load_scenario, merge, parse_scenario
from tests.conftest import SCENARIOS


def variant(
    name: str = "reform_2014", horizon_h: float = 24.0, warmup_h: float = 4.0, **overrides: Any
) -> Scenario:
    """Return a shipped scenario shortened to ``horizon_h``, with nested overrides merged."""
    data = load_scenario(SCENARIOS / f"{name}.yaml").model_dump(mode="json")
    data["run"].update(horizon_h=horizon_h, warmup_h=warmup_h, event_log="none")
    return parse_scenario(merge(data, overrides), f"{name} (test variant)")
