"""The risk set-up of a scenario: its risk file with the scenario's policy levers applied."""

from __future__ import annotations

from pathlib import Path

from core.risk import RiskError, RiskSetup, setup_from_mapping
from ftz_spec.errors import ScenarioError
from ftz_spec.loader import merge
from ftz_spec.models import Scenario
from ftz_spec.risk_file import load_risk_data
from ftz_spec.schema import SCHEMA_PATH

__all__ = ["risk_setup"]

SCENARIOS_DIR = SCHEMA_PATH.parent


def risk_setup(scenario: Scenario, source: str = "<scenario>") -> RiskSetup:
    """Return the table, controls and policy the scenario's risk engine uses.

    ``levers.risk_policy`` is merged onto the risk file's ``policy`` and the random
    control rates are multiplied by ``levers.random_control_scale`` (capped at 1).

    Raises:
        ScenarioError: The risk file is missing or invalid, or the overrides are; the
            message names the file or ``levers.risk_policy`` and the bad entry.
    """
    path = Path(scenario.levers.risk_file)
    if not path.is_absolute():
        path = SCENARIOS_DIR / path
    data = load_risk_data(path)
    policy = merge(data.get("policy") or {}, dict(scenario.levers.risk_policy))
    scale = scenario.levers.random_control_scale
    rnd = dict(policy.get("random") or {})
    rnd["general_credit_rate"] = min(1.0, float(rnd.get("general_credit_rate", 0.03)) * scale)
    rnd["dishonest_rate"] = min(1.0, float(rnd.get("dishonest_rate", 0.8)) * scale)
    policy["random"] = rnd
    try:
        return setup_from_mapping({**data, "policy": policy})
    except RiskError as exc:
        where = "levers.risk_policy" if scenario.levers.risk_policy or scale != 1.0 else str(path)
        raise ScenarioError(source, [f"{where}: {exc}"]) from None
