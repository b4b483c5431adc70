"""Risk engine throughput: assessment with a ~1,000-factor table, and feedback updates.

References measured in the same run: a bare loop doing the same number of dict lookups
per declaration (the floor any table-driven scorer pays in CPython), so the ratio says
how much the engine adds on top of its lookups; the same engine without the credit rule
and without capacity-aware selection, so the ratios say what each rule costs; a linear
scan of every control in force, against the book's enterprise index, with the 500
analysts' controls a busy month leaves in force.
"""

from __future__ import annotations

import numpy as np

from benchmarks.harness import Result, best_rate
from core.risk import (
    CapacityPolicy,
    CreditClass,
    CreditRule,
    Declaration,
    Enterprise,
    GoodsLine,
    InspectionResult,
    Lane,
    Procedure,
    RiskEngine,
    RiskPolicy,
    RiskTable,
    TargetedControl,
    ZoneLoad,
)

N_DECL = 20_000
ZONES = ("waigaoqiao_ftz", "waigaoqiao_logistics", "yangshan_port", "pudong_airport")
ORIGINS = ("CN", "VN", "US", "DE", "JP", "KR", "TH", "MY", "ID", "IN", "HK", "SG", "FR", "IT", "GB")


def _table(rng: np.random.Generator) -> RiskTable:
    factors: dict[tuple[str, str], float] = {}
    for ch in range(1, 98):
        factors[("hs_chapter", f"{ch:02d}")] = float(rng.uniform(0.005, 0.08))
    while len(factors) < 97 + 600:
        factors[("hs_heading", f"{int(rng.integers(100, 9800)):04d}")] = float(
            rng.uniform(0.005, 0.08)
        )
    for i in range(250):
        factors[("enterprise", f"E{i}")] = float(rng.uniform(0.002, 0.1))
    for o in ORIGINS:
        factors[("origin", o)] = float(rng.uniform(0.01, 0.04))
    for p in Procedure:
        factors[("procedure", p.value)] = float(rng.uniform(0.01, 0.04))
    for c in CreditClass:
        factors[("credit_class", c.value)] = float(rng.uniform(0.005, 0.1))
    for band in ("far_below", "below", "normal", "above"):
        factors[("value_per_kg", band)] = float(rng.uniform(0.01, 0.1))
    refs = {f"{ch:02d}": float(rng.uniform(5, 500)) for ch in range(1, 98)}
    return RiskTable.from_mapping(
        {
            "base_rate": 0.02,
            "reference_value_per_kg": refs,
            "factors": [{"attribute": a, "value": v, "rate": r} for (a, v), r in factors.items()],
        }
    )


def _traffic(rng: np.random.Generator) -> list[tuple[Declaration, Enterprise | None]]:
    classes = list(CreditClass)
    ents = [Enterprise(f"E{i}", classes[i % 4]) for i in range(300)]
    out: list[tuple[Declaration, Enterprise | None]] = []
    for i in range(N_DECL):
        e = ents[int(rng.integers(len(ents)))]
        hs = f"{int(rng.integers(1, 98)):02d}{int(rng.integers(0, 99)):02d}{int(rng.integers(0, 9999)):04d}00"
        line = GoodsLine(
            hs,
            ORIGINS[int(rng.integers(len(ORIGINS)))],
            float(rng.uniform(100, 1e5)),
            float(rng.uniform(1, 500)),
        )
        d = Declaration(
            f"D{i}", e.enterprise_id, Procedure(list(Procedure)[i % 7]), ZONES[i % 4], (line,)
        )
        out.append((d, e if i % 50 else None))  # 2 % unknown enterprises
    return out


def _rules(table: RiskTable, traffic: list[tuple[Declaration, Enterprise | None]]) -> list[Result]:
    """What the credit rule and capacity-aware selection add to an assessment."""
    jammed = ZoneLoad(queue_length=40, officers_on_duty=10, scan_queue_length=0, scanners_up=1)

    def rate(policy: RiskPolicy, load: ZoneLoad | None) -> float:
        engine = RiskEngine(table, policy, seed=7)
        engine.assess_many(traffic[:5_000], 0.0)

        def go() -> int:
            for d, e in traffic:
                engine.assess(d, e, 0.0, load)
            return len(traffic)

        return best_rate(go, repeats=3)

    bare = rate(RiskPolicy(credit_rule=CreditRule(enforce=False)), None)
    credit = rate(RiskPolicy(), None)
    aware = rate(RiskPolicy(capacity=CapacityPolicy(enabled=True)), jammed)
    return [
        Result(
            "risk.credit_rule_cost",
            bare / credit,
            "×",
            higher_is_better=False,
            note=f"assessment time with the credit-class rule ÷ without ({bare:,.0f}/s)",
        ),
        Result(
            "risk.capacity_aware_cost",
            credit / aware,
            "×",
            higher_is_better=False,
            note="assessment time with capacity-aware selection on a saturated zone ÷ off",
        ),
    ]


def _control_index(traffic: list[tuple[Declaration, Enterprise | None]]) -> Result:
    """Matching 500 enterprise-scoped analysts' controls through the index vs a full scan."""
    controls = [
        TargetedControl(
            f"BK-A{i:05d}", Lane.PHYSICAL, 0.5, 0.0,
            enterprises=frozenset({f"E{i % 300}"}), hs_prefixes=frozenset({f"{i % 97 + 1:02d}"}),
        )
        for i in range(500)
    ]  # fmt: skip
    engine = RiskEngine(_table(np.random.default_rng(1)), controls=controls, seed=3)
    book = engine.controls

    def indexed() -> int:
        for d, _ in traffic:
            [c for c in book.candidates(d, 1.0) if c.matches(d)]
        return len(traffic)

    active = book.active(1.0)

    def linear() -> int:
        for d, _ in traffic:
            [c for c in active if c.matches(d)]
        return len(traffic)

    fast, slow = best_rate(indexed, repeats=3), best_rate(linear, repeats=3)
    return Result(
        "risk.control_index_speedup",
        fast / slow,
        "×",
        note=f"500 controls in force: index {fast:,.0f}/s vs full scan {slow:,.0f}/s",
    )


def run() -> list[Result]:
    rng = np.random.default_rng(2014)
    table = _table(rng)
    traffic = _traffic(rng)
    engine = RiskEngine(table, seed=7)
    engine.assess_many(traffic[:5_000], 0.0)  # warm lanes and thresholds

    def assess() -> int:
        for d, e in traffic:
            engine.assess(d, e, 0.0)
        return len(traffic)

    lookups = {(a, v): r for (a, v), r in table.rates.items()}

    def bare() -> int:
        # Same number of keyed lookups per declaration as the scorer: the CPython floor.
        total = 0.0
        get = lookups.get
        for d, _ in traffic:
            line = d.lines[0]
            hs = line.hs_code
            total += (
                get(("enterprise", d.enterprise_id), 0.0)
                + get(("credit_class", "general_credit"), 0.0)
                + get(("procedure", d.procedure.value), 0.0)
                + get(("zone", d.zone), 0.0)
                + get(("hs_chapter", hs[:2]), 0.0)
                + get(("hs_heading", hs[:4]), 0.0)
                + get(("origin", line.origin), 0.0)
                + get(("value_per_kg", "normal"), 0.0)
            )
        return len(traffic)

    assess_rate = best_rate(assess, repeats=5)
    bare_rate = best_rate(bare, repeats=5)
    decisions = engine.assess_many(traffic, 1.0)
    results = [
        InspectionResult(d, i % 7 == 0, "undervaluation" if i % 7 == 0 else "", 1_000.0)
        for i, d in enumerate(decisions)
    ]
    clock = [1.0]

    def feedback() -> int:
        clock[0] += 3_600.0
        now = clock[0]
        for r in results:
            engine.feedback(r, now)
        return len(results)

    feedback_rate = best_rate(feedback, repeats=5)
    factors = len(table.rates)
    keys = sum(len(d.factor_keys) for d in decisions) / len(decisions)
    return [
        Result(
            "risk.assess_per_s",
            assess_rate,
            "1/s",
            target=20_000,
            note=f"single-declaration path, {factors} factors, 4 zones × 5 directions, 2 % unknown enterprises",
            extra={
                "bare_lookup_per_s": bare_rate,
                "ratio_to_bare_lookups": assess_rate / bare_rate,
            },
        ),
        Result(
            "risk.assess_cost_vs_bare_lookups",
            bare_rate / assess_rate,
            "×",
            higher_is_better=False,
            note=f"time per assessment ÷ a bare loop of the same 8 dict lookups ({bare_rate:,.0f}/s)",
        ),
        Result(
            "risk.feedback_per_s",
            feedback_rate,
            "1/s",
            target=50_000,
            note=f"{keys:.1f} attribute values updated per result, with half-life decay",
        ),
        *_rules(table, traffic),
        _control_index(traffic),
    ]
