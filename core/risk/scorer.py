"""The live risk valuation table: scoring, explanation and learning (the closed loop).

Every ``(attribute, value)`` the table or the inspection results know holds a discounted
Beta posterior of its violation rate: the table's prior rate weighs ``prior_strength``
pseudo-observations (the prior rate is damped by the attribute weight, see
:mod:`core.risk.table`), and each inspection result adds its violation and its exposure,
both fading with a half-life. Rate = ``(prior · strength + violations) / (strength +
exposure)``, and the factor adds ``logit(rate) − logit(base)`` to a score.

Exposure is where this beats counting hits per attribute. A result adds to a factor the
exposure ``q / base``, with ``q`` the violation probability the *other* factors of the
declaration predicted (a Gamma–Poisson posterior of the factor's rate ratio, which is the
plain Beta posterior when the other factors are neutral; for ``q`` above ~0.2 the
Poisson approximation slightly under-states the rate, which never changes the ranking
of rare-event risks). So a violation on a risky HS
chapter is mostly explained by the chapter and barely raises the declaring enterprise's
rate, and targeted inspections, which are chosen by the factors, do not inflate the rates
of attributes they share with everything (procedure, zone). Selection that depends only
on the scored factors and on independent draws leaves this conditional estimate
unbiased; the random stratum makes sure every kind of declaration is seen.

Log-odds contributions are recomputed only on an update, so scoring is a handful of dict
lookups. Between two updates of a value its evidence does not fade; the decay is applied,
exactly, when the next result arrives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.risk.kinds import ViolationKind
from core.risk.model import Declaration, GoodsLine
from core.risk.table import ATTRIBUTES, RiskTable, logit

__all__ = ["Contribution", "FactorKey", "Scorer"]

FactorKey = tuple[str, str]
Contribution = tuple[str, str, float]  # attribute, value, log-odds added to the base


class Scorer:
    """Scores declarations against a risk table that learns from inspection results."""

    def __init__(self, table: RiskTable, half_life_s: float, max_learned_values: int) -> None:
        """Start from ``table``'s prior rates.

        Args:
            table: The prior risk valuation table.
            half_life_s: Seconds after which an inspection result weighs half as much.
            max_learned_values: Bound on the values learned beyond the table's own, so
                memory stays flat with an unbounded stream of enterprise ids.
        """
        self.table = table
        self.base_log_odds = logit(table.base_rate)
        self._weights = dict(table.weights)
        self._decay_per_s = math.log(2.0) / half_life_s
        self._max_new = max_learned_values
        self._new = 0
        self._contrib: dict[str, dict[str, float]] = {a: {} for a in ATTRIBUTES}
        # The weight damps the table's prior rate (marginal rates of overlapping
        # attributes double-count); learned evidence is conditional on the other factors
        # through its exposure and is not damped again.
        self._prior: dict[FactorKey, float] = {}
        for (attribute, value), rate in table.rates.items():
            x = self._weights[attribute] * (logit(rate) - self.base_log_odds)
            self._contrib[attribute][value] = x
            self._prior[(attribute, value)] = 1.0 / (1.0 + math.exp(-(self.base_log_odds + x)))
        self._state: dict[FactorKey, list[float]] = {}  # [violations, observations, t_s]
        self._kinds = dict(table.kinds)

    def score(
        self, declaration: Declaration, credit_class: str
    ) -> tuple[float, tuple[Contribution, ...], tuple[FactorKey, ...]]:
        """Score one declaration.

        Args:
            declaration: The declaration.
            credit_class: The enterprise's effective credit class value.

        Returns:
            ``(log_odds, contributions, keys)``: the score in log-odds; every attribute
            value of the declaration and of its riskiest goods line with its log-odds
            contribution; and every attribute value of every line, to learn from.
        """
        c = self._contrib
        ent, proc, zone = declaration.enterprise_id, declaration.procedure.value, declaration.zone
        route = declaration.route
        parts: list[Contribution] = [
            ("enterprise", ent, c["enterprise"].get(ent, 0.0)),
            ("credit_class", credit_class, c["credit_class"].get(credit_class, 0.0)),
            ("procedure", proc, c["procedure"].get(proc, 0.0)),
            ("zone", zone, c["zone"].get(zone, 0.0)),
        ]
        if route:
            parts.append(("route", route, c["route"].get(route, 0.0)))
        log_odds = self.base_log_odds + sum(p[2] for p in parts)
        lines = declaration.lines
        best = self._line_parts(lines[0])
        best_sum = sum(p[2] for p in best)
        keys: list[FactorKey] = []
        if len(lines) > 1:
            keys.extend((p[0], p[1]) for p in best)
            for line in lines[1:]:
                lp = self._line_parts(line)
                keys.extend((p[0], p[1]) for p in lp)
                s = sum(p[2] for p in lp)
                if s > best_sum:
                    best, best_sum = lp, s
        parts.extend(best)
        keys.extend((p[0], p[1]) for p in parts)
        return log_odds + best_sum, tuple(parts), tuple(dict.fromkeys(keys))

    def _line_parts(self, line: GoodsLine) -> list[Contribution]:
        c = self._contrib
        hs = line.hs_code
        parts: list[Contribution] = [
            ("hs_chapter", hs[:2], c["hs_chapter"].get(hs[:2], 0.0)),
            ("hs_heading", hs[:4], c["hs_heading"].get(hs[:4], 0.0)),
            ("origin", line.origin, c["origin"].get(line.origin, 0.0)),
        ]
        band = self.table.value_band(hs, line.value_cny, line.weight_kg)
        if band is not None:
            parts.append(("value_per_kg", band, c["value_per_kg"].get(band, 0.0)))
        return parts

    def learn(
        self,
        contributions: Iterable[Contribution],
        keys: Iterable[FactorKey],
        violation: bool,
        weight: float,
        now: float,
    ) -> None:
        """Fold one inspection result into the posteriors of ``keys``.

        Args:
            contributions: The decision's scored factors; they give each factor's
                exposure (what the other factors predicted).
            keys: The attribute values of the inspected declaration.
            violation: Whether the inspection found a violation.
            weight: Weight of this observation (1 for an ordinary result).
            now: Time of the result in seconds.
        """
        y = weight if violation else 0.0
        learnable = self.table.learnable
        prior = self._prior
        base, m = self.table.base_rate, self.table.prior_strength
        own = {(a, v): x for a, v, x in contributions}
        log_odds = self.base_log_odds + sum(own.values())
        for key in keys:
            if key[0] not in learnable:
                continue
            st = self._state.get(key)
            if st is None:
                if key not in prior and self._new >= self._max_new:
                    continue  # bounded memory: unseen values beyond the cap stay at base
                self._new += key not in prior
                st = self._state[key] = [0.0, 0.0, now]
            dt = now - st[2]
            f = math.exp(-dt * self._decay_per_s) if dt > 0 else 1.0
            others = 1.0 / (1.0 + math.exp(own.get(key, 0.0) - log_odds))
            st[0] = st[0] * f + y
            st[1] = st[1] * f + weight * others / base
            st[2] = max(now, st[2])
            p = (prior.get(key, base) * m + st[0]) / (m + st[1])
            self._contrib[key[0]][key[1]] = logit(p) - self.base_log_odds

    def suspected_kind(self, contributions: Iterable[Contribution]) -> ViolationKind | None:
        """Return the kind the risk-raising tagged factors point to most, or None.

        Each factor tagged with kinds in the table adds its positive log-odds to each of
        its kinds; the kind with the largest sum wins (ties: the kinds' declared order).
        """
        if not self._kinds:
            return None
        totals: dict[ViolationKind, float] = {}
        for a, v, x in contributions:
            if x > 0.0:
                for k in self._kinds.get((a, v), ()):
                    totals[k] = totals.get(k, 0.0) + x
        if not totals:
            return None
        order = list(ViolationKind)
        return max(totals, key=lambda k: (totals[k], -order.index(k)))

    def rate(self, attribute: str, value: str) -> float:
        """Return the current violation rate of one attribute value.

        It is the score of a declaration whose other factors are all neutral: the
        table's prior rate damped by the attribute weight, moved by learned evidence.
        """
        x = self._contrib[attribute].get(value, 0.0)
        return 1.0 / (1.0 + math.exp(-(self.base_log_odds + x)))

    def learned_values(self) -> int:
        """Return how many attribute values carry learned evidence."""
        return len(self._state)
