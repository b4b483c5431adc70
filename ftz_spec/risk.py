"""The risk set-up of a scenario: its risk file with the scenario's policy levers applied."""

from __future__ import annotations

from pathlib import Path

from core.risk import RiskError, RiskSetup, setup_from_mapping
from ftz_spec.bounded_yaml import show, show_text
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
    try:
        rnd = dict(policy.get("random") or {})
        for name, default in (("general_credit_rate", 0.03), ("dishonest_rate", 0.8)):
            rate = float(rnd.get(name, default))
            if not 0.0 <= rate <= 1.0:  # also refuses nan and inf
                raise ValueError(f"random.{name} must be in [0, 1], got {show(rnd.get(name))}")
            rnd[name] = min(1.0, rate * scale)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise ScenarioError(source, [f"levers.risk_policy: {show_text(str(exc))}"]) from None
    policy["random"] = rnd
    try:
        return setup_from_mapping({**data, "policy": policy})
    except RiskError as exc:
        where = "levers.risk_policy" if scenario.levers.risk_policy or scale != 1.0 else str(path)
        raise ScenarioError(source, [f"{where}: {exc}"]) from None
