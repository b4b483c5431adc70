"""The risk set-up of a scenario: its risk file with the scenario's levers applied."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.risk import RiskError, RiskSetup, TargetedControl, setup_from_mapping
from ftz_spec.bounded_yaml import show, show_text
from ftz_spec.errors import ScenarioError
from ftz_spec.loader import merge
from ftz_spec.models import Scenario
from ftz_spec.risk_file import RiskFileError, load_risk_data
from ftz_spec.schema import SCHEMA_PATH

__all__ = ["LEVER_CONTROLS", "lever_controls", "risk_setup"]

SCENARIOS_DIR = SCHEMA_PATH.parent
# Levers that put targeted controls of the plan's section 二(五) in force.
LEVER_CONTROLS = ("ipr_protection", "printed_matter_control")


def _path(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else SCENARIOS_DIR / path


def lever_controls(scenario: Scenario) -> list[dict[str, Any]]:
    """Return the controls of the levers switched on, from ``levers.lever_controls_file``.

    Raises:
        RiskFileError: The file is missing or unreadable, names a lever that does not
            switch controls, or holds a malformed control; the message names the entry.
    """
    path = _path(scenario.levers.lever_controls_file)
    data = load_risk_data(path)
    out: list[dict[str, Any]] = []
    for lever, controls in data.items():
        if lever not in LEVER_CONTROLS:
            raise RiskFileError(
                str(path), [f"{lever}: not a lever with controls (known: {list(LEVER_CONTROLS)})"]
            )
        if not isinstance(controls, list):
            raise RiskFileError(str(path), [f"{lever}: expected a list of controls"])
        for i, c in enumerate(controls):
            if not isinstance(c, Mapping):
                raise RiskFileError(str(path), [f"{lever}[{i}]: expected a mapping, got {c!r}"])
            try:
                TargetedControl.from_mapping(c, f"{lever}[{i}]")
            except RiskError as exc:
                raise RiskFileError(str(path), [str(exc)]) from None
        if getattr(scenario.levers, lever):
            out.extend(dict(c) for c in controls)
    return out


def risk_setup(scenario: Scenario, source: str = "<scenario>") -> RiskSetup:
    """Return the table, controls and policy the scenario's risk engine uses.

    ``levers.risk_policy`` is merged onto the risk file's ``policy``; the random control
    rates are multiplied by ``levers.random_control_scale`` (capped at 1; the dishonest
    rate never below the credit rule's floor while the rule is enforced, since the law
    sets it); ``levers.capacity_aware_selection`` switches ``policy.capacity``; the
    controls of the section 二(五) levers switched on are added to the file's.

    Raises:
        ScenarioError: The risk file or the controls file is missing or invalid, or the
            overrides are; the message names the file or ``levers.risk_policy`` and the
            bad entry.
    """
    path = _path(scenario.levers.risk_file)
    data = load_risk_data(path)
    policy = merge(data.get("policy") or {}, dict(scenario.levers.risk_policy))
    scale = scenario.levers.random_control_scale
    try:
        rnd = dict(policy.get("random") or {})
        rule = dict(policy.get("credit_rule") or {})
        floor = float(rule.get("dishonest_floor", 0.8)) if rule.get("enforce", True) else 0.0
        for name, default in (("general_credit_rate", 0.03), ("dishonest_rate", 0.8)):
            rate = float(rnd.get(name, default))
            if not 0.0 <= rate <= 1.0:  # also refuses nan and inf
                raise ValueError(f"random.{name} must be in [0, 1], got {show(rnd.get(name))}")
            rnd[name] = min(1.0, rate * scale)
        if scale != 1.0:
            # A what-if scale never takes dishonest enterprises below the credit rule's floor.
            rnd["dishonest_rate"] = max(rnd["dishonest_rate"], floor)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise ScenarioError(source, [f"levers.risk_policy: {show_text(str(exc))}"]) from None
    policy["random"] = rnd
    capacity = dict(policy.get("capacity") or {})
    capacity["enabled"] = scenario.levers.capacity_aware_selection
    policy["capacity"] = capacity
    controls = [*(data.get("controls") or []), *lever_controls(scenario)]
    try:
        return setup_from_mapping({**data, "policy": policy, "controls": controls})
    except RiskError as exc:
        where = "levers.risk_policy" if scenario.levers.risk_policy or scale != 1.0 else str(path)
        raise ScenarioError(source, [f"{where}: {exc}"]) from None
