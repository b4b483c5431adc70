"""Builders shared by the risk tests: tables, declarations and a synthetic population."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from core.risk import (
    CreditClass,
    CreditRule,
    Declaration,
    Enterprise,
    GoodsLine,
    LanePlan,
    Procedure,
    RiskPolicy,
    RiskTable,
)

ZONE = "yangshan_port"


def table(base_rate: float = 0.02, **rates: float) -> RiskTable:
    """A table with factors given as ``attribute__value=rate`` keywords."""
    factors = []
    for key, rate in rates.items():
        attribute, value = key.split("__")
        factors.append({"attribute": attribute, "value": value, "rate": rate})
    return RiskTable.from_mapping({"base_rate": base_rate, "factors": factors})


def declaration(
    declaration_id: str = "D1",
    enterprise_id: str = "E1",
    hs_code: str = "8471300000",
    origin: str = "DE",
    value_cny: float = 10_000.0,
    weight_kg: float = 10.0,
    procedure: Procedure = Procedure.SECOND_LINE_IMPORT,
    zone: str = ZONE,
    route: str = "",
) -> Declaration:
    return Declaration(
        declaration_id,
        enterprise_id,
        procedure,
        zone,
        (GoodsLine(hs_code, origin, value_cny, weight_kg),),
        route,
    )


NO_CREDIT_RULE = CreditRule(enforce=False)


def quiet_policy(**lane_rates: float) -> RiskPolicy:
    """No criteria, no random control, no credit rule: only the lanes named get a rate."""
    from core.risk import Lane, RandomControlPolicy

    plan = LanePlan(
        expected_rates={Lane.parse(k): v for k, v in lane_rates.items()},
        criteria={},
    )
    return RiskPolicy(
        default_plan=plan,
        random=RandomControlPolicy(general_credit_rate=0.0, dishonest_rate=0.0),
        credit_rule=NO_CREDIT_RULE,
    )


@dataclass(frozen=True)
class Case:
    declaration: Declaration
    enterprise: Enterprise
    violation: bool
    revenue_cny: float


CHAPTERS = [
    f"{c:02d}"
    for c in (84, 85, 90, 39, 61, 62, 64, 95, 72, 33, 22, 30, 87, 94, 40, 73, 48, 44, 29, 93)
]
ORIGINS = ["DE", "JP", "US", "VN", "KR", "TH", "MY", "IN", "FR", "IT"]


def population(
    n: int,
    seed: int,
    planted_chapter: str = "93",
    planted_rate: float = 0.4,
    background_rate: float = 0.02,
    start: int = 0,
    n_enterprises: int = 200,
) -> Iterator[Case]:
    """Synthetic traffic: uniform chapters and origins; one chapter planted as risky."""
    rng = np.random.default_rng(seed)
    classes = list(CreditClass)
    for i in range(start, start + n):
        chapter = CHAPTERS[int(rng.integers(len(CHAPTERS)))]
        e = int(rng.integers(n_enterprises))
        enterprise = Enterprise(f"E{e}", classes[e % 3])  # no dishonest: keeps rates clean
        p = planted_rate if chapter == planted_chapter else background_rate
        d = declaration(
            declaration_id=f"D{i}",
            enterprise_id=enterprise.enterprise_id,
            hs_code=f"{chapter}{int(rng.integers(1, 99)):02d}000000",
            origin=ORIGINS[int(rng.integers(len(ORIGINS)))],
        )
        yield Case(d, enterprise, bool(rng.random() < p), float(rng.exponential(20_000)))


def binomial_tolerance(p: float, n: int, sigmas: float = 4.0) -> float:
    """Half-width of a ``sigmas``-sigma band for a binomial share."""
    return sigmas * math.sqrt(p * (1 - p) / n)
