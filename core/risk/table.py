"""The risk valuation table (风险估值表) as validated data.

Each factor says: "declarations with this attribute value break the rules at this
rate". Rates, not raw points, because a rate can be checked against inspection results
and updated from them (the closed loop). Factors combine in log-odds like a naive Bayes
model: ``logit(score) = logit(base) + Σ weight_a · (logit(rate_a,v) − logit(base))``;
the attribute weight (≤ 1) damps the prior rates of attributes that overlap, e.g. HS
chapter and heading, whose marginal rates would otherwise be counted twice. Evidence
learned from results is conditional on the other factors and is not damped (see
:mod:`core.risk.scorer`); to ignore an attribute, give it weight 0 and ``learn: false``.

The core never parses a file: an adapter loads YAML and calls
:meth:`RiskTable.from_mapping`, which names the entry and the bad value on error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from core.risk.errors import RiskTableError
from core.risk.kinds import ViolationKind, parse_kind

__all__ = ["ATTRIBUTES", "VALUE_BANDS", "RiskTable", "logit"]

# Attribute → default weight. Per goods line: HS chapter/heading, origin, value per kg;
# per declaration: the rest.
ATTRIBUTES: Mapping[str, float] = MappingProxyType(
    {
        "hs_chapter": 0.6,
        "hs_heading": 0.6,
        "origin": 0.8,
        "value_per_kg": 0.8,
        "enterprise": 1.0,
        "credit_class": 0.8,
        "route": 0.8,
        "procedure": 0.8,
        "zone": 0.5,
    }
)

# Declared value per kg divided by the reference for the HS heading or chapter.
# Under-valuation is the classic revenue risk, hence two bands below normal.
VALUE_BANDS: tuple[tuple[str, float], ...] = (
    ("far_below", 0.3),
    ("below", 0.7),
    ("normal", 1.5),
    ("above", math.inf),
)
_BAND_NAMES = frozenset(name for name, _ in VALUE_BANDS)
_TOP_KEYS = frozenset(
    {"base_rate", "prior_strength", "attributes", "reference_value_per_kg", "factors"}
)
_FACTOR_KEYS = frozenset({"attribute", "value", "rate", "kinds", "note", "source"})
_EPS = 1e-6


def logit(p: float) -> float:
    """Return the log-odds of ``p``, clamped to [1e-6, 1 − 1e-6] so 0 and 1 stay finite."""
    p = min(max(p, _EPS), 1.0 - _EPS)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True, slots=True)
class RiskTable:
    """Prior risk valuation table.

    Attributes:
        base_rate: Share of declarations with a violation before any factor, in (0, 1).
        prior_strength: Pseudo-observations behind every prior rate; the more, the slower
            inspection results move the table.
        weights: Attribute → weight in [0, 1].
        learnable: Attributes whose values learn from inspection results.
        rates: ``(attribute, value)`` → prior violation rate in [0, 1].
        reference_value_per_kg: HS chapter (2 digits) or heading (4 digits) → reference
            value in CNY/kg for the ``value_per_kg`` attribute.
        kinds: ``(attribute, value)`` → the violation kinds the factor signals (a factor
            can target kinds: chapter 49 signals harmful printed matter, a value far
            below the reference signals undervaluation). A decision names the kind its
            risk-raising tagged factors point to most.
    """

    base_rate: float
    prior_strength: float = 50.0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(ATTRIBUTES))
    learnable: frozenset[str] = frozenset(ATTRIBUTES)
    rates: Mapping[tuple[str, str], float] = field(default_factory=dict)
    reference_value_per_kg: Mapping[str, float] = field(default_factory=dict)
    kinds: Mapping[tuple[str, str], frozenset[ViolationKind]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RiskTable:
        """Build a table from plain data (e.g. a loaded YAML document).

        Args:
            data: Keys ``base_rate``, optional ``prior_strength``, ``attributes``
                (name → ``{weight, learn}``), ``reference_value_per_kg`` and ``factors``
                (list of ``{attribute, value, rate, kinds?, note?, source?}``).

        Returns:
            The validated table.

        Raises:
            RiskTableError: An unknown key or attribute, a rate or weight outside [0, 1],
                a duplicate factor or a bad band; the message names the entry.
        """
        if not isinstance(data, Mapping):
            raise RiskTableError(f"risk table: expected a mapping, got {type(data).__name__}")
        _no_extra("risk table", data, _TOP_KEYS)
        if "base_rate" not in data:
            raise RiskTableError("risk table: base_rate is required")
        base = _unit("base_rate", data["base_rate"], open_interval=True)
        strength = _number("prior_strength", data.get("prior_strength", 50.0))
        if strength <= 0:
            raise RiskTableError(f"prior_strength: {strength} must be > 0")
        weights, learnable = _attributes(data.get("attributes") or {})
        rates, kinds = _factors(data.get("factors") or [])
        return cls(
            base_rate=base,
            prior_strength=strength,
            weights=MappingProxyType(weights),
            learnable=learnable,
            rates=MappingProxyType(rates),
            reference_value_per_kg=MappingProxyType(
                _references(data.get("reference_value_per_kg") or {})
            ),
            kinds=MappingProxyType(kinds),
        )

    def value_band(self, hs_code: str, value_cny: float, weight_kg: float) -> str | None:
        """Return the value-per-kg band of a goods line, or None without a reference.

        Args:
            hs_code: The line's HS code; the heading's reference wins over the chapter's.
            value_cny: Declared value in CNY.
            weight_kg: Declared weight in kg; 0 gives no band.
        """
        ref = self.reference_value_per_kg.get(hs_code[:4]) or self.reference_value_per_kg.get(
            hs_code[:2]
        )
        if ref is None or weight_kg <= 0:
            return None
        ratio = value_cny / weight_kg / ref
        for name, upper in VALUE_BANDS:
            if ratio < upper:
                return name
        return VALUE_BANDS[-1][0]


def _no_extra(where: str, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(str(k) for k in data if k not in allowed)
    if extra:
        raise RiskTableError(f"{where}: unknown key(s) {extra} (allowed: {sorted(allowed)})")


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise RiskTableError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _unit(where: str, value: Any, *, what: str = "", open_interval: bool = False) -> float:
    x = _number(where, value)
    low_ok = x > 0 if open_interval else x >= 0
    high_ok = x < 1 if open_interval else x <= 1
    if not (low_ok and high_ok):
        bounds = "(0, 1)" if open_interval else "[0, 1]"
        raise RiskTableError(f"{where}: {what}{x:g} outside {bounds}")
    return x


def _attributes(data: Any) -> tuple[dict[str, float], frozenset[str]]:
    if not isinstance(data, Mapping):
        raise RiskTableError(f"attributes: expected a mapping, got {data!r}")
    weights = dict(ATTRIBUTES)
    learnable = set(ATTRIBUTES)
    for name, spec in data.items():
        where = f"attributes.{name}"
        if name not in ATTRIBUTES:
            raise RiskTableError(f"{where}: unknown attribute (known: {sorted(ATTRIBUTES)})")
        if not isinstance(spec, Mapping):
            raise RiskTableError(f"{where}: expected {{weight, learn}}, got {spec!r}")
        _no_extra(where, spec, frozenset({"weight", "learn"}))
        if "weight" in spec:
            weights[name] = _unit(where, spec["weight"], what="weight ")
        if not spec.get("learn", True):
            learnable.discard(name)
    return weights, frozenset(learnable)


def _factors(
    data: Any,
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], frozenset[ViolationKind]]]:
    if not isinstance(data, list):
        raise RiskTableError(f"factors: expected a list, got {type(data).__name__}")
    rates: dict[tuple[str, str], float] = {}
    kinds: dict[tuple[str, str], frozenset[ViolationKind]] = {}
    for i, entry in enumerate(data):
        if not isinstance(entry, Mapping):
            raise RiskTableError(f"factors[{i}]: expected a mapping, got {entry!r}")
        attribute, value = str(entry.get("attribute", "")), str(entry.get("value", ""))
        where = f"factors[{i}] ({attribute}={value})"
        _no_extra(where, entry, _FACTOR_KEYS)
        if attribute not in ATTRIBUTES:
            raise RiskTableError(f"{where}: unknown attribute (known: {sorted(ATTRIBUTES)})")
        if not value:
            raise RiskTableError(f"{where}: value is required")
        if attribute == "value_per_kg" and value not in _BAND_NAMES:
            raise RiskTableError(f"{where}: unknown band (known: {sorted(_BAND_NAMES)})")
        if "rate" not in entry:
            raise RiskTableError(f"{where}: rate is required")
        if (attribute, value) in rates:
            raise RiskTableError(f"{where}: duplicate factor")
        rates[(attribute, value)] = _unit(where, entry["rate"], what="rate ")
        if "kinds" in entry:
            kinds[(attribute, value)] = _kinds(f"{where}.kinds", entry["kinds"])
    return rates, kinds


def _kinds(where: str, data: Any) -> frozenset[ViolationKind]:
    if isinstance(data, str) or not isinstance(data, list) or not data:
        raise RiskTableError(f"{where}: expected a non-empty list of kinds, got {data!r}")
    return frozenset(parse_kind(k, where, RiskTableError) for k in data)


def _references(data: Any) -> dict[str, float]:
    if not isinstance(data, Mapping):
        raise RiskTableError(f"reference_value_per_kg: expected a mapping, got {data!r}")
    out: dict[str, float] = {}
    for code, value in data.items():
        key, where = str(code), f"reference_value_per_kg.{code}"
        if len(key) not in (2, 4) or not key.isdigit():
            raise RiskTableError(f"{where}: expected a 2- or 4-digit HS code")
        ref = _number(where, value)
        if ref <= 0:
            raise RiskTableError(f"{where}: reference {ref:g} CNY/kg must be > 0")
        out[key] = ref
    return out
