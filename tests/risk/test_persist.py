"""Point 10: the risk engine's learned state persists, with the table's version."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.risk import InspectionResult, RiskEngine
from core.risk.persist import RiskState, RiskStateError, capture, restore, table_version
from ftz_stores.risk_state import load_risk_state_file, save_risk_state_file
from tests.risk.helpers import population, table

DAY = 86_400.0


def run(engine: RiskEngine, start: int, n: int) -> list[tuple[str, int, float]]:
    """Assess and learn from ``n`` declarations; return (id, lane, score) of each."""
    out = []
    for i, c in enumerate(population(n, seed=start, start=start)):
        now = (start + i) * 60.0
        d = engine.assess(c.declaration, c.enterprise, now)
        out.append((d.declaration_id, int(d.lane), d.score))
        if d.inspected:
            engine.feedback(
                InspectionResult(d, c.violation, "undervaluation" if c.violation else ""), now
            )
    return out


def fresh() -> RiskEngine:
    return RiskEngine(table(hs_chapter__93=0.2), seed=5)


def test_a_restored_engine_decides_exactly_as_the_one_that_never_stopped() -> None:
    through = fresh()
    run(through, 0, 3000)
    state = capture(through, feed_seq=42)
    text = state.to_json()
    restarted = fresh()
    restore(restarted, RiskState.from_json(text))
    assert run(restarted, 3000, 1500) == run(through, 3000, 1500)
    assert RiskState.from_json(text).feed_seq == 42


def test_an_engine_that_forgets_decides_differently() -> None:
    through = fresh()
    run(through, 0, 3000)
    assert run(fresh(), 3000, 1500) != run(through, 3000, 1500)


def test_a_state_learned_on_another_table_is_refused() -> None:
    e = fresh()
    run(e, 0, 200)
    other = RiskEngine(table(hs_chapter__93=0.3), seed=5)
    assert table_version(other.table) != table_version(e.table)
    with pytest.raises(RiskStateError, match="table version"):
        restore(other, capture(e))


def test_malformed_state_text_is_refused() -> None:
    with pytest.raises(RiskStateError, match="format"):
        RiskState.from_json('{"format": 99}')
    with pytest.raises(RiskStateError):
        RiskState.from_json("not json")


def test_between_runs_the_state_is_kept_in_a_file(tmp_path: Path) -> None:
    e = fresh()
    run(e, 0, 500)
    path = tmp_path / "risk_state.json"
    assert load_risk_state_file(path) is None
    save_risk_state_file(path, capture(e))
    assert load_risk_state_file(path) == capture(e)
    assert not (tmp_path / "risk_state.json.tmp").exists()
