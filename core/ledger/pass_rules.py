"""Rules of a passage through the central gate-pass state (核放单): reserve, post, void.

See :mod:`core.ledger.passes` for the states and the two-phase passage. Reservation,
post and void never raise on a refused pass: they return a :class:`Refusal` with its
reason and record a :class:`PassRefused` event, so the refusal is durable and reaches
central monitoring. Only bad reference data (registering a pass against a list that
cannot take it) raises.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import (
    GatePassRefused,
    UnknownDocument,
)
from core.ledger.events import GatePassageRecorded, PassRefused, ReservationVoided
from core.ledger.holds import account_hold
from core.ledger.lists import (
    Direction,
    GatePassage,
    ListStatus,
    effective_direction,
)
from core.ledger.pass_filing import PASS
from core.ledger.passes import (
    GatePassFiling,
    PassItem,
    PassState,
    PassStatus,
    PassUse,
    Refusal,
    RefusalReason,
    Reservation,
    ReservationStatus,
    gate_zone,
)
from core.ledger.posting import PostResult, PostStatus
from core.ledger.transfers import arrive, depart
from core.ledger.writeoff import list_status, settle

__all__ = [
    "PENDING",
    "RESERVATION",
    "post_pass",
    "record_gate_passage",
    "reserve_pass",
    "void_expired",
    "void_pass",
]

RESERVATION, PENDING = "reservation", "pending_reservation"
R = RefusalReason
_DONE = PostResult(PostStatus.DUPLICATE, ())
_OK = PostResult(PostStatus.APPLIED, ())
DEFAULT_TRANSIT_TIMEOUT_S = 12 * 3600.0


def _refuse(books: Books, pass_id: str, passage_id: str, gate: str, why: R, detail: str) -> Refusal:
    books.emit(PassRefused(pass_id, passage_id, gate, why.value, books.now))
    return Refusal(pass_id, passage_id, why, detail)


# -- the two phases of a passage -------------------------------------------------------
def _check_pass(
    books: Books, ps: PassStatus, plate: str | None, gate_ref: str
) -> tuple[R, str] | None:
    """Return why ``ps`` cannot be used now at ``gate_ref`` (plate None: not checked)."""
    state = ps.state
    if state is PassState.VOIDED:
        return R.PASS_VOIDED, "voided by customs"
    if state is PassState.DECLARED:
        return R.NOT_APPROVED, "declared, not approved"
    if state is PassState.PASSED:
        return R.ALREADY_USED, f"passed at {', '.join(ps.gates)}"
    if ps.pending:
        return R.RESERVED_ELSEWHERE, f"pending for passage {ps.pending!r}"
    if plate is not None and (not plate or plate != ps.filing.plate):
        return R.PLATE_MISMATCH, f"plate {plate!r}, the pass is for {ps.filing.plate!r}"
    leg, route = ps.legs_passed + 1, ps.filing.route
    if route and gate_zone(gate_ref) != route[leg - 1]:
        return R.WRONG_GATE, f"gate {gate_ref!r} is not in {route[leg - 1]!r} (gate {leg})"
    if leg == 2 and gate_ref == ps.gates[0]:
        return R.WRONG_GATE, f"gate {gate_ref!r} was this pass's first gate"
    for list_id in ps.filing.list_ids:
        st = list_status(books, list_id)
        bl = st.bonded_list
        if st.voided:
            return R.LIST_VOIDED, f"list {list_id!r} was deleted"
        if st.held:
            return R.GOODS_ON_HOLD, f"list {list_id!r}: {', '.join(st.held)}"
        leaving = effective_direction(bl.direction, bl.mode) is Direction.EXPORT
        hold = account_hold(books, bl.account_id)
        if leaving and hold:
            return R.ACCOUNT_ON_HOLD, f"account {bl.account_id!r}: {', '.join(hold)}"
    return None


def reserve_pass(
    books: Books, pass_id: str, passage_id: str, plate: str, gate_ref: str
) -> Reservation | Refusal:
    """Reserve a pass for one passage (pending), or refuse it with the reason.

    The same passage asking again (same pass, plate and gate) gets its reservation back,
    a retry after a restart; a passage id asking for anything else is refused, and so
    is any other passage while the pass is pending or once it is used.
    """
    for value, why in (
        (pass_id, R.EMPTY_PASS_ID),
        (passage_id, R.EMPTY_PASSAGE_ID),
        (gate_ref, R.EMPTY_GATE_REF),
    ):
        if not value:
            return _refuse(books, pass_id, passage_id, gate_ref, why, "empty")
    r = books.doc(RESERVATION, passage_id, Reservation)
    if r is not None:
        if (r.pass_id, r.plate, r.gate_ref) != (pass_id, plate, gate_ref):
            return _refuse(
                books,
                pass_id,
                passage_id,
                gate_ref,
                R.PASSAGE_REUSED,
                f"passage reserved {r.pass_id!r} for {r.plate!r} at {r.gate_ref!r}",
            )
        if r.status is ReservationStatus.VOIDED:
            return _refuse(books, pass_id, passage_id, gate_ref, R.RESERVATION_VOIDED, r.reason)
        return r
    ps = books.doc(PASS, pass_id, PassStatus)
    if ps is None:
        return _refuse(books, pass_id, passage_id, gate_ref, R.UNKNOWN_PASS, "never registered")
    problem = _check_pass(books, ps, plate, gate_ref)
    if problem is not None:
        return _refuse(books, pass_id, passage_id, gate_ref, *problem)
    r = Reservation(passage_id, pass_id, plate, gate_ref, ps.legs_passed + 1, books.now)
    books.put_doc(RESERVATION, passage_id, r)
    books.put_doc(PENDING, passage_id, passage_id)
    books.put_doc(PASS, pass_id, replace(ps, pending=passage_id))
    return r


def post_pass(
    books: Books,
    passage_id: str,
    quantities: tuple[PassItem, ...] | None = None,
    transit_timeout_s: float = DEFAULT_TRANSIT_TIMEOUT_S,
) -> Reservation | Refusal:
    """Post a pending reservation: the barrier opened, the pass leg is consumed.

    Args:
        books: The unit of work.
        passage_id: The reserved passage.
        quantities: What actually passed, when known (e.g. weighed); the pass's items
            otherwise. Each must be an item of the pass, at most its quantity.
        transit_timeout_s: Deadline to arrive for a transfer that leaves here.
    """
    r = books.doc(RESERVATION, passage_id, Reservation)
    if r is None:
        return _refuse(books, "", passage_id, "", R.UNKNOWN_PASSAGE, "never reserved")
    if r.status is ReservationStatus.POSTED:
        return r
    if r.status is ReservationStatus.VOIDED:
        return _refuse(books, r.pass_id, passage_id, r.gate_ref, R.RESERVATION_VOIDED, r.reason)
    ps = books.need_doc(PASS, r.pass_id, PassStatus)
    lines = ps.filing.items if quantities is None else quantities
    bad = _over_pass(ps.filing, lines)
    if bad:
        return _refuse(books, r.pass_id, passage_id, r.gate_ref, R.OVER_PASS_QUANTITY, bad)
    posted = replace(r, status=ReservationStatus.POSTED, settled_s=books.now)
    books.put_doc(RESERVATION, passage_id, posted)
    books.put_doc(PENDING, passage_id, None)
    _consume(books, ps, posted, lines, transit_timeout_s)
    return posted


def _over_pass(filing: GatePassFiling, lines: tuple[PassItem, ...]) -> str:
    carried = {(i.list_id, i.item_no): i.quantity for i in filing.items}
    for it in lines:
        q = carried.get((it.list_id, it.item_no))
        if q is None or not (Decimal(0) <= it.quantity <= q):
            return f"{it.list_id}#{it.item_no} quantity={it.quantity} (pass carries {q})"
    return ""


def _consume(
    books: Books, ps: PassStatus, r: Reservation, lines: tuple[PassItem, ...], timeout_s: float
) -> None:
    """Consume one leg of ``ps`` for ``r``; at the last leg count the goods to their lists."""
    f, leg = ps.filing, r.leg
    books.use_pass(PassUse(f.pass_id, leg, r.passage_id, r.gate_ref, r.plate, books.now))
    state = PassState.PASSED if leg == f.legs else PassState.PASSED_FIRST_GATE
    books.put_doc(
        PASS,
        f.pass_id,
        replace(ps, state=state, legs_passed=leg, pending="", gates=(*ps.gates, r.gate_ref)),
    )
    for list_id in f.list_ids:
        st = list_status(books, list_id)
        if st.bonded_list.is_transfer and leg < f.legs:
            depart(books, list_id, r.gate_ref, timeout_s)
        elif leg == f.legs:
            _count(books, st, f, lines, r.gate_ref)


def _count(
    books: Books, st: ListStatus, f: GatePassFiling, lines: tuple[PassItem, ...], gate: str
) -> None:
    list_id = st.bonded_list.list_id
    passed = list(st.passed)
    got = tuple((it.item_no, it.quantity) for it in lines if it.list_id == list_id)
    for item_no, q in got:
        passed[st.index(item_no)] += q
    books.emit(GatePassageRecorded(f.pass_id, list_id, gate, books.now, got))
    if st.bonded_list.is_transfer:
        arrive(books, list_id, gate)
    st = replace(
        st,
        passed=tuple(passed),
        last_passed_s=books.now,
        last_truck_passed=st.last_truck_passed or f.last_truck,
    )
    settle(books, st)


def void_pass(books: Books, passage_id: str, reason: str) -> Reservation | Refusal:
    """Void a pending reservation (manual post, timeout …): the pass may be used again."""
    r = books.doc(RESERVATION, passage_id, Reservation)
    if r is None:
        return _refuse(books, "", passage_id, "", R.UNKNOWN_PASSAGE, "never reserved")
    if r.status is ReservationStatus.VOIDED:
        return r
    if r.status is ReservationStatus.POSTED:
        return _refuse(books, r.pass_id, passage_id, r.gate_ref, R.RESERVATION_POSTED, reason)
    voided = replace(r, status=ReservationStatus.VOIDED, settled_s=books.now, reason=reason)
    books.put_doc(RESERVATION, passage_id, voided)
    books.put_doc(PENDING, passage_id, None)
    ps = books.need_doc(PASS, r.pass_id, PassStatus)
    books.put_doc(PASS, r.pass_id, replace(ps, pending=""))
    books.emit(ReservationVoided(r.pass_id, passage_id, r.gate_ref, reason, books.now))
    return voided


def void_expired(books: Books, timeout_s: float) -> list[Reservation]:
    """Void every reservation pending longer than ``timeout_s`` (reason ``timeout``)."""
    out = []
    for passage_id in books.tx.docs(PENDING):
        assert isinstance(passage_id, str)
        r = books.doc(RESERVATION, passage_id, Reservation)
        pending = r is not None and r.status is ReservationStatus.PENDING
        if pending and r is not None and books.now - r.reserved_s > timeout_s:
            v = void_pass(books, passage_id, "timeout")
            assert isinstance(v, Reservation)
            out.append(v)
    return out


# -- the older, one-step annotation ---------------------------------------------------------
def record_gate_passage(books: Books, passage: GatePassage) -> PostResult:
    """Annotate a passage in one step (reserve and post): an officer's manual release.

    The same gate reporting the pass again changes nothing (a duplicate).

    Raises:
        UnknownDocument: No such gate pass.
        GatePassRefused: The pass state refuses it (voided, reserved, wrong gate …).
    """
    ps = books.doc(PASS, passage.pass_id, PassStatus)
    if ps is None:
        raise UnknownDocument(PASS, passage.pass_id)
    if ps.state is PassState.PASSED or (ps.gates and ps.gates[-1] == passage.gate_id):
        return _DONE
    problem = _check_pass(books, ps, None, passage.gate_id)
    if problem is not None:
        raise GatePassRefused(passage.pass_id, problem[0].value, problem[1])
    leg = ps.legs_passed + 1
    r = Reservation(
        f"annotated:{passage.pass_id}:{leg}",
        passage.pass_id,
        ps.filing.plate,
        passage.gate_id,
        leg,
        books.now,
        ReservationStatus.POSTED,
        books.now,
    )
    # No reservation document: the consumed leg (PassUse) is the annotation's record.
    _consume(books, ps, r, ps.filing.items, DEFAULT_TRANSIT_TIMEOUT_S)
    return _OK
