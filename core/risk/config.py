"""Building the engine's inputs from plain data (a loaded risk file), with named errors.

A risk file holds the valuation table at the top level, plus optional ``controls`` (list
of targeted controls) and ``policy`` (lane plans, random control, learning). Errors name
the entry path and the bad value, e.g. ``policy.plans[1].expected_rates.scan: 1.2
outside [0, 1]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from core.risk.capacity import CapacityPolicy
from core.risk.controls import ControlBook
from core.risk.credit import STATUTORY_CEILINGS, CreditRule
from core.risk.errors import PolicyError
from core.risk.model import CreditClass, Direction, Lane
from core.risk.policy import LanePlan, LearningPolicy, RandomControlPolicy, RiskPolicy
from core.risk.table import RiskTable

__all__ = ["RiskSetup", "policy_from_mapping", "setup_from_mapping"]

_DAY_S = 86_400.0
_T = TypeVar("_T")
_E = TypeVar("_E", bound=Enum)
_PLAN_KEYS = frozenset(
    {
        "expected_rates",
        "criteria",
        "criteria_selection_rate",
        "max_hits_without_selection",
        "capacity_factor",
        "top_up_pool_factor",
        "top_up",
    }
)


@dataclass(frozen=True)
class RiskSetup:
    """Everything a risk file defines.

    Attributes:
        table: The risk valuation table.
        controls: Targeted controls in force.
        policy: Lane plans, random control and learning.
    """

    table: RiskTable
    controls: ControlBook = field(default_factory=ControlBook)
    policy: RiskPolicy = field(default_factory=RiskPolicy)


def setup_from_mapping(data: Mapping[str, Any]) -> RiskSetup:
    """Build table, controls and policy from one loaded risk file.

    Raises:
        RiskTableError: The table part is invalid.
        ControlError: A control is invalid or two conflict.
        PolicyError: The policy part is invalid.
    """
    if not isinstance(data, Mapping):
        raise PolicyError(f"risk file: expected a mapping, got {type(data).__name__}")
    rest = {k: v for k, v in data.items() if k not in ("controls", "policy")}
    return RiskSetup(
        table=RiskTable.from_mapping(rest),
        controls=ControlBook.from_mappings(data.get("controls") or []),
        policy=policy_from_mapping(data.get("policy") or {}),
    )


def policy_from_mapping(data: Mapping[str, Any]) -> RiskPolicy:
    """Build a policy from plain data; every key is optional.

    Keys: ``lanes`` (default plan), ``plans`` (list of plans with ``zone`` and
    ``direction``), ``random``, ``learning`` (``half_life_days``, ``max_learned_values``,
    ``random_stratum_only``), ``credit_rule`` (``enforce``, ``ceilings``,
    ``dishonest_floor``, ``period_days``, ``margin``), ``capacity`` (``enabled``,
    ``queue_per_officer``, ``scan_queue_per_scanner``), ``rate_horizon``,
    ``score_window``, ``recalibrate_every``.

    Raises:
        PolicyError: Unknown key, lane, credit class or direction, or a bad value; the
            message names the path. Random-control rates the credit rule cannot meet
            are refused naming the class and the ratio.
    """
    top = {"lanes", "plans", "random", "learning", "rate_horizon", "score_window"}
    top |= {"credit_rule", "capacity"}
    _no_extra("policy", data, top | {"recalibrate_every"})
    plans: dict[tuple[str, Direction], LanePlan] = {}
    for i, entry in enumerate(data.get("plans") or []):
        where = f"policy.plans[{i}]"
        _no_extra(where, entry, _PLAN_KEYS | {"zone", "direction"})
        direction = _enum(Direction, entry.get("direction"), f"{where}.direction")
        key = (str(entry.get("zone", "*")), direction)
        if key in plans:
            raise PolicyError(f"{where}: second plan for zone {key[0]}, {direction.value}")
        plans[key] = _plan(where, {k: v for k, v in entry.items() if k in _PLAN_KEYS})
    windows = {
        k: int(data[k]) for k in ("rate_horizon", "score_window", "recalibrate_every") if k in data
    }
    return _wrap(
        "policy",
        lambda: RiskPolicy(
            default_plan=_plan("policy.lanes", data.get("lanes") or {}),
            plans=plans,
            random=_random(data.get("random") or {}),
            learning=_learning(data.get("learning") or {}),
            credit_rule=_credit_rule(data.get("credit_rule") or {}),
            capacity=_capacity(data.get("capacity") or {}),
            **windows,
        ),
    )


def _plan(where: str, data: Mapping[str, Any]) -> LanePlan:
    _no_extra(where, data, _PLAN_KEYS)
    kwargs: dict[str, Any] = {
        k: v for k, v in data.items() if k not in ("expected_rates", "criteria")
    }
    for name in ("expected_rates", "criteria"):
        if name in data:
            kwargs[name] = {
                _lane(lane, f"{where}.{name}"): float(v) for lane, v in data[name].items()
            }
    return _wrap(where, lambda: LanePlan(**kwargs))


def _random(data: Mapping[str, Any]) -> RandomControlPolicy:
    where = "policy.random"
    numbers = ("general_credit_rate", "dishonest_rate", "minimum_share")
    _no_extra(where, data, frozenset({*numbers, "ratios", "lane"}))
    kwargs: dict[str, Any] = {k: float(v) for k, v in data.items() if k in numbers}
    if "ratios" in data:
        defaults = dict(RandomControlPolicy().ratios)
        for cls, v in data["ratios"].items():
            defaults[_enum(CreditClass, cls, f"{where}.ratios")] = float(v)
        kwargs["ratios"] = defaults
    if "lane" in data:
        kwargs["lane"] = _lane(data["lane"], f"{where}.lane")
    return _wrap(where, lambda: RandomControlPolicy(**kwargs))


def _learning(data: Mapping[str, Any]) -> LearningPolicy:
    where = "policy.learning"
    _no_extra(
        where, data, frozenset({"half_life_days", "max_learned_values", "random_stratum_only"})
    )
    kwargs: dict[str, Any] = {}
    if "half_life_days" in data:
        kwargs["half_life_s"] = float(data["half_life_days"]) * _DAY_S
    if "max_learned_values" in data:
        kwargs["max_learned_values"] = int(data["max_learned_values"])
    if "random_stratum_only" in data:
        kwargs["random_stratum_only"] = bool(data["random_stratum_only"])
    return _wrap(where, lambda: LearningPolicy(**kwargs))


def _credit_rule(data: Mapping[str, Any]) -> CreditRule:
    where = "policy.credit_rule"
    keys = {"enforce", "ceilings", "dishonest_floor", "period_days", "margin"}
    _no_extra(where, data, keys)
    kwargs: dict[str, Any] = {k: float(data[k]) for k in ("dishonest_floor", "margin") if k in data}
    if "enforce" in data:
        kwargs["enforce"] = _bool(data["enforce"], f"{where}.enforce")
    if "period_days" in data:
        kwargs["period_s"] = float(data["period_days"]) * _DAY_S
    if "ceilings" in data:
        if not isinstance(data["ceilings"], Mapping):
            raise PolicyError(f"{where}.ceilings: expected a mapping, got {data['ceilings']!r}")
        ceilings = dict(STATUTORY_CEILINGS)
        for cls, v in data["ceilings"].items():
            ceilings[_enum(CreditClass, cls, f"{where}.ceilings")] = float(v)
        kwargs["ceilings"] = ceilings
    return _wrap(where, lambda: CreditRule(**kwargs))


def _capacity(data: Mapping[str, Any]) -> CapacityPolicy:
    where = "policy.capacity"
    _no_extra(where, data, {"enabled", "queue_per_officer", "scan_queue_per_scanner"})
    kwargs: dict[str, Any] = {
        k: float(data[k]) for k in ("queue_per_officer", "scan_queue_per_scanner") if k in data
    }
    if "enabled" in data:
        kwargs["enabled"] = _bool(data["enabled"], f"{where}.enabled")
    return _wrap(where, lambda: CapacityPolicy(**kwargs))


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: expected true or false, got {value!r}")
    return value


def _wrap(where: str, build: Callable[[], _T]) -> _T:
    try:
        return build()
    except PolicyError as exc:
        raise PolicyError(f"{where}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise PolicyError(f"{where}: bad value ({exc})") from None


def _no_extra(where: str, data: Any, allowed: frozenset[str] | set[str]) -> None:
    if not isinstance(data, Mapping):
        raise PolicyError(f"{where}: expected a mapping, got {data!r}")
    extra = sorted(str(k) for k in data if k not in allowed)
    if extra:
        raise PolicyError(f"{where}: unknown key(s) {extra} (allowed: {sorted(allowed)})")


def _lane(text: Any, where: str) -> Lane:
    try:
        return Lane.parse(str(text))
    except KeyError:
        known = [lane.label for lane in Lane]
        raise PolicyError(f"{where}: unknown lane {text!r} (known: {known})") from None


def _enum(kind: type[_E], text: Any, where: str) -> _E:
    try:
        return kind(str(text))
    except ValueError:
        known = [m.value for m in kind]
        raise PolicyError(f"{where}: unknown value {text!r} (known: {known})") from None
