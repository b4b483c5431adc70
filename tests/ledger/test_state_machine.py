"""A Hypothesis state machine over the whole ledger, on memory, SQLite and PostgreSQL.

Random sequences of filings, movements, lists of every kind, gate passes (1:1, 1:N,
N:1 with a last truck, two-gate transfers), reservations posted and voided, reuse
attempts with right and wrong plates, releases, corrections and deletions under good
and bad reviews, and deadline rounds. After every step:

* every line's balance equals the sum of its entries, never below zero, and its
  reservation equals its open pending outflows;
* no list is written off before its declaration is released and all its goods (or its
  last truck) have passed the gate;
* every pass is consumed at most once per gate of its route, and a used pass is refused;
* no maker approves their own entry, and no reviewer approves twice.
"""

from __future__ import annotations

import contextlib
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from core.ledger import (
    BondedList,
    Correction,
    DeclarationDoc,
    Direction,
    DualReview,
    DualReviewRequired,
    EntryStatus,
    GatePassFiling,
    Ledger,
    LedgerError,
    LedgerPolicy,
    Line,
    ListKind,
    ListLine,
    Movement,
    MovementKind,
    PassItem,
    PassState,
    PostedBy,
    PosterKind,
    Refusal,
    RefusalReason,
    Reservation,
    ReservationStatus,
    WriteOffMode,
    WriteOffState,
)
from core.ledger.reconcile import recompute
from ftz_stores import MemoryStore
from tests.ledger.helpers import LOG, LOG_LINES, YS, YS_LINES, D

A, L = YS.account_id, LOG.account_id  # yangshan_port, waigaoqiao_logistics
LINES = [(A, 1), (L, 1)]
PLATES = ["沪A00001", "沪A00002", "沪A00003"]
GATES = ["yangshan_port/g1", "yangshan_port/g2", "waigaoqiao_logistics/g1"]
GOOD = DualReview("officer-1", "officer-2", "officer-3")
BAD = [
    DualReview("officer-1", "officer-1", "officer-3"),
    DualReview("officer-1", "officer-2", "officer-2"),
    DualReview("officer-2", "officer-3", "officer-2"),
]
OFFICER = PostedBy(PosterKind.OFFICER, "officer-1")
GATE = PostedBy(PosterKind.GATE, "yangshan_port/g1")
qty = st.integers(1, 20)


class LedgerMachine(RuleBasedStateMachine):
    """The ledger under random operations; subclasses pick the store."""

    def make_store(self) -> object:
        return MemoryStore()

    @initialize()
    def open_books(self) -> None:
        self.store = self.make_store()
        self.led = Ledger(self.store, LedgerPolicy(automatic_filing=False))  # type: ignore[arg-type]
        self.led.open_account(YS, YS_LINES, 0.0, review=GOOD)
        self.led.open_account(LOG, LOG_LINES, 0.0, review=GOOD)
        self.led.post(Movement("opening", A, 1, MovementKind.IN, D(500), "PCE", GATE), 0.5)
        self.now = 1.0
        self.n = 0
        self.lists: list[str] = []
        self.passes: dict[str, GatePassFiling] = {}
        self.passages: list[str] = []
        self.posted: dict[tuple[str, int], str] = {}  # (pass, leg) → passage, from answers
        self.docs: set[str] = {f"account:{A}", f"account:{L}", f"line:{A}#1", f"line:{L}#1"}

    def teardown(self) -> None:
        self.store.close()  # type: ignore[attr-defined]

    def _id(self, prefix: str) -> str:
        self._tick()
        return f"{prefix}{self.n}"

    def _tick(self) -> float:
        self.n += 1
        self.now += 10.0
        return self.now

    # -- filings and movements -----------------------------------------------------------
    @rule(good=st.booleans(), bad=st.sampled_from(BAD))
    def file_a_line(self, good: bool, bad: DualReview) -> None:
        item = 2 + self.n
        self.docs.add(f"line:{L}#{item}")
        line = Line(L, item, f"P{item}", "8542310000", "PCE")
        if good:
            self.led.file_lines([line], self._tick(), GOOD)
        else:
            with pytest.raises(DualReviewRequired):
                self.led.file_lines([line], self._tick(), bad)

    @rule(
        line=st.sampled_from(LINES),
        kind=st.sampled_from([MovementKind.IN, MovementKind.OUT]),
        q=qty,
    )
    def move(self, line: tuple[str, int], kind: MovementKind, q: int) -> None:
        m = Movement(self._id("m"), line[0], line[1], kind, D(q), "PCE", GATE, "DOC")
        with contextlib.suppress(LedgerError):
            self.led.post(m, self.now)

    @rule(seq=st.integers(1, 60), good=st.booleans(), bad=st.sampled_from(BAD))
    def correct(self, seq: int, good: bool, bad: DualReview) -> None:
        review = GOOD if good else DualReview("officer-1", bad.first, bad.second)
        self.docs.add(f"entry:{seq}")
        c = Correction(self._id("c"), seq, "random correction", review, OFFICER)
        try:
            self.led.correct(c, self.now)
        except DualReviewRequired:
            assert not good, "a proper review was refused"
        except LedgerError:
            pass

    # -- lists and passes ------------------------------------------------------------------
    @rule(kind=st.sampled_from(["in", "out", "transfer"]), q=qty, declared=st.booleans())
    def declare(self, kind: str, q: int, declared: bool) -> None:
        self._declare(kind, q, declared)

    def _declare(self, kind: str, q: int, declared: bool) -> str | None:
        list_id = self._id("L")
        transfer = kind == "transfer"
        bl = BondedList(
            list_id,
            A,
            Direction.IMPORT if kind == "in" else Direction.EXPORT,
            WriteOffMode.D,
            (ListLine(1, D(q), "PCE", to_item_no=1),),
            GATE,
            with_declaration=declared,
            declaration_id=f"DEC{list_id}" if declared else "",
            kind=ListKind.TRANSFER if transfer else None,
            to_account_id=L if transfer else "",
        )
        try:
            self.led.declare_list(bl, self.now)
            self.led.pre_write_off(list_id, self.now)
        except LedgerError:
            return None
        self.lists.append(list_id)
        self.docs.add(f"list:{list_id}")
        return list_id

    @rule(
        kind=st.sampled_from(["in", "out", "transfer"]),
        trucks=st.integers(1, 3),
        last=st.booleans(),
        release_first=st.booleans(),
        void_one=st.booleans(),
    )
    def ship(self, kind: str, trucks: int, last: bool, release_first: bool, void_one: bool) -> None:
        """A whole shipment: a list on 1..3 trucks (N:1), each reserved and posted."""
        list_id = self._declare(kind, 4 * trucks, True)
        if list_id is None:
            return
        if release_first:
            self.led.release_declaration(f"DEC{list_id}", self._tick())
        route = ("yangshan_port", "waigaoqiao_logistics") if kind == "transfer" else ()
        for t in range(trucks):
            f = GatePassFiling(
                self._id("GP"),
                PLATES[t],
                (PassItem(list_id, 1, D(4)),),
                last and t == trucks - 1,
                route,
            )
            self.led.passes.register_pass(f, self.now)
            self.passes[f.pass_id] = f
            self.docs.add(f"gate_pass:{f.pass_id}")
            for _leg in range(f.legs):
                if void_one and t == 0:
                    p0 = self._id("p")
                    r = self.led.passes.reserve_pass(
                        f.pass_id, p0, f.plate, self._gate_for(f.pass_id, True), self.now
                    )
                    assert isinstance(r, Reservation)
                    self.led.passes.void_pass(p0, "manual_post", self._tick())
                p = self._id("p")
                gate = self._gate_for(f.pass_id, True)
                r = self.led.passes.reserve_pass(f.pass_id, p, f.plate, gate, self.now)
                assert isinstance(r, Reservation), r
                self.passages.append(p)
                posted = self.led.passes.post_pass(p, self._tick())
                assert isinstance(posted, Reservation)
                self.posted[(f.pass_id, posted.leg)] = p
            again = self.led.passes.reserve_pass(
                f.pass_id, self._id("p"), f.plate, self._gate_for(f.pass_id, True), self.now
            )
            assert isinstance(again, Refusal) and again.reason is RefusalReason.ALREADY_USED
        if not release_first:
            self.led.release_declaration(f"DEC{list_id}", self._tick())
        # All goods passed and the declaration is released: written off, with a last
        # truck or without one.
        assert self.led.list_status(list_id).state is WriteOffState.WRITTEN_OFF

    @precondition(lambda self: self.lists)
    @rule(data=st.data(), last=st.booleans(), plate=st.sampled_from(PLATES))
    def register_pass(self, data: st.DataObject, last: bool, plate: str) -> None:
        picked = data.draw(
            st.lists(st.sampled_from(self.lists), min_size=1, max_size=2, unique=True)
        )
        items = []
        for lid in picked:
            s = self.led.list_status(lid)
            left = int(s.bonded_list.lines[0].quantity - s.bound[0])
            items.append(PassItem(lid, 1, D(data.draw(st.integers(1, max(1, left))))))
        transfer = any(self.led.list_status(x).bonded_list.is_transfer for x in picked)
        route = ("yangshan_port", "waigaoqiao_logistics") if transfer else ()
        f = GatePassFiling(self._id("GP"), plate, tuple(items), last, route)
        try:
            self.led.passes.register_pass(f, self.now)
        except LedgerError:
            return
        self.passes[f.pass_id] = f
        self.docs.add(f"gate_pass:{f.pass_id}")

    def _gate_for(self, pass_id: str, right: bool) -> str:
        f, st_ = self.passes[pass_id], self.led.passes.pass_status(pass_id)
        leg = (st_.legs_passed if st_ else 0) + 1
        zone = f.route[leg - 1] if f.route and leg <= len(f.route) else "yangshan_port"
        ok = [g for g in GATES if g.startswith(zone)]
        return ok[self.n % len(ok)] if right else GATES[(self.n + 1) % len(GATES)]

    @precondition(lambda self: self.passes)
    @rule(data=st.data(), right=st.sampled_from([True, True, True, False]), reuse=st.booleans())
    def reserve(self, data: st.DataObject, right: bool, reuse: bool) -> None:
        pass_id = data.draw(st.sampled_from(sorted(self.passes)))
        plate = self.passes[pass_id].plate if right else data.draw(st.sampled_from(PLATES))
        gate = self._gate_for(pass_id, right or data.draw(st.booleans()))
        passage = (
            data.draw(st.sampled_from(self.passages))
            if reuse and self.passages
            else (self._id("p"))
        )
        status = self.led.passes.pass_status(pass_id)
        before = self.led.passes.reservation(passage)
        r = self.led.passes.reserve_pass(pass_id, passage, plate, gate, self.now)
        event(f"reserve: {r.reason.value if isinstance(r, Refusal) else r.status.value}")
        if before is not None:  # a retry gets the same reservation back, or is refused
            assert r == before or isinstance(r, Refusal)
            assert not isinstance(r, Reservation) or (r.pass_id, r.plate, r.gate_ref) == (
                pass_id,
                plate,
                gate,
            )
        elif isinstance(r, Reservation):
            assert status is not None and status.state is not PassState.PASSED
            assert plate == self.passes[pass_id].plate and r.pass_id == pass_id
            self.passages.append(passage)
        elif status is not None and status.state is PassState.PASSED:
            assert r.reason is RefusalReason.ALREADY_USED

    @precondition(lambda self: self.passages)
    @rule(data=st.data(), post=st.sampled_from([True, True, False]))
    def settle(self, data: st.DataObject, post: bool) -> None:
        passage = data.draw(st.sampled_from(self.passages))
        if post:
            r = self.led.passes.post_pass(passage, self._tick())
        else:
            r = self.led.passes.void_pass(passage, "manual_post", self._tick())
        if isinstance(r, Reservation) and r.status is ReservationStatus.POSTED:
            key = (r.pass_id, r.leg)
            assert self.posted.setdefault(key, passage) == passage, "a pass leg posted twice"
        elif isinstance(r, Refusal):
            assert r.reason in {
                RefusalReason.RESERVATION_VOIDED,
                RefusalReason.RESERVATION_POSTED,
            }

    @precondition(lambda self: self.lists)
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        list_id = data.draw(st.sampled_from(self.lists))
        with contextlib.suppress(LedgerError):
            self.led.release_declaration(f"DEC{list_id}", self._tick())

    @precondition(lambda self: self.lists)
    @rule(data=st.data(), good=st.booleans(), bad=st.sampled_from(BAD))
    def void_list(self, data: st.DataObject, good: bool, bad: DualReview) -> None:
        list_id = data.draw(st.sampled_from(self.lists))
        try:
            self.led.void_list(list_id, GOOD if good else bad, self._tick())
        except DualReviewRequired:
            assert not good
        except LedgerError:
            pass

    @rule(hours=st.integers(1, 30))
    def time_passes(self, hours: int) -> None:
        self.now += hours * 3600.0
        self.led.check_deadlines(self.now)
        self.led.passes.void_expired(self.now)

    # -- invariants --------------------------------------------------------------------------
    @invariant()
    def balances_are_the_sum_of_their_entries(self) -> None:
        if not hasattr(self, "led"):
            return
        for acc, item in LINES:
            b = self.led.balance(acc, item)
            entries = self.led.entries(acc, item)
            assert b.balance == sum((e.delta for e in entries), Decimal(0)) >= 0
            assert (b.balance, b.reserved_qty) == recompute(entries)
            assert b.available >= 0

    @invariant()
    def no_list_is_written_off_before_release_and_full_passage(self) -> None:
        for list_id in getattr(self, "lists", []):
            s = self.led.list_status(list_id)
            if s is None or s.state < WriteOffState.WRITTEN_OFF:
                continue
            event(f"written off: {s.bonded_list.list_type.value}")
            bl = s.bonded_list
            if bl.with_declaration:
                d = self.led.document("declaration", s.declaration_id)
                assert isinstance(d, DeclarationDoc) and d.released
            assert s.last_truck_passed or all(
                p >= ln.quantity for p, ln in zip(s.passed, bl.lines, strict=True)
            )
            key = f"{list_id}#1/post"
            posted = [e for e in self.led.entries(A, 1) if e.key == key]
            assert [e.status for e in posted] == [
                EntryStatus.POSTED if s.passed[0] else EntryStatus.VOIDED
            ]
            assert posted[0].quantity == (s.passed[0] or bl.lines[0].quantity)

    @invariant()
    def every_pass_is_consumed_at_most_once_per_gate(self) -> None:
        for pass_id, f in getattr(self, "passes", {}).items():
            uses = self.led.passes.pass_uses(pass_id)
            status = self.led.passes.pass_status(pass_id)
            assert status is not None
            assert [u.leg for u in uses] == list(range(1, len(uses) + 1))
            assert len(uses) == status.legs_passed <= f.legs
            assert (status.state is PassState.PASSED) == (len(uses) == f.legs)
            for u in uses:
                assert self.posted.get((pass_id, u.leg), u.passage_id) == u.passage_id

    @invariant()
    def no_maker_approves_their_own_entry(self) -> None:
        for doc in getattr(self, "docs", set()):
            for rec in self.led.audit_trail(doc):
                if rec.reviewers:
                    assert rec.maker not in rec.reviewers
                    assert len(set(rec.reviewers)) == 2 and all(rec.reviewers)


class SqliteLedgerMachine(LedgerMachine):
    def make_store(self) -> object:
        from ftz_stores.sqlite import SqliteStore

        self._tmp = tempfile.TemporaryDirectory()
        return SqliteStore(Path(self._tmp.name) / "machine.sqlite")

    def teardown(self) -> None:
        super().teardown()
        self._tmp.cleanup()


_SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.too_slow], stateful_step_count=40
)
test_the_ledger_keeps_its_invariants_in_memory = LedgerMachine.TestCase
test_the_ledger_keeps_its_invariants_in_memory.settings = settings(max_examples=80, **_SETTINGS)
test_the_ledger_keeps_its_invariants_on_sqlite = SqliteLedgerMachine.TestCase
test_the_ledger_keeps_its_invariants_on_sqlite.settings = settings(max_examples=15, **_SETTINGS)


@pytest.mark.service
def test_the_ledger_keeps_its_invariants_on_postgres(pg_url: str) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    from tests.ledger.helpers import fresh_pg_store

    class PgMachine(LedgerMachine):
        def make_store(self) -> object:
            return fresh_pg_store(pg_url)

    run_state_machine_as_test(PgMachine, settings=settings(max_examples=5, **_SETTINGS))
