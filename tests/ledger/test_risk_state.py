"""Point 10 on the stores: the risk engine's state kept beside the ledger, all backends."""

from __future__ import annotations

from core.risk.persist import capture, restore
from ftz_stores.risk_state import load_risk_state, save_risk_state
from tests.risk.test_persist import fresh, run


def test_the_risk_state_is_kept_in_the_ledger_store_and_restored_after_a_restart(
    reopen,
) -> None:
    e = fresh()
    run(e, 0, 800)
    first = reopen()
    assert load_risk_state(first) is None
    save_risk_state(first, capture(e, feed_seq=7))
    state = load_risk_state(reopen())  # a restarted service opens its store again
    assert state == capture(e, feed_seq=7)
    restarted = fresh()
    restore(restarted, state)
    assert run(restarted, 800, 300) == run(e, 800, 300)
