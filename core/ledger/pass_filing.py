"""Registering gate passes (核放单) as customs sends them, and voiding unused ones.

A pass is bound to its lists when it is registered: every list must be pre-written-off,
and the passes of a list never bind more than it holds (N:1); one pass may carry several
lists (1:N). A transfer's pass must name the zones of both gates on its route.
"""

from __future__ import annotations

from dataclasses import replace

from core.ledger.books import Books
from core.ledger.errors import (
    IdempotencyConflict,
    InvalidListState,
    InvalidPassState,
    OverBinding,
    TransferRefused,
    UnknownLine,
)
from core.ledger.events import PassCancelled
from core.ledger.lists import GatePassBinding, WriteOffState
from core.ledger.model import check_quantity
from core.ledger.passes import (
    GatePassFiling,
    PassBindingKind,
    PassItem,
    PassState,
    PassStatus,
)
from core.ledger.posting import PostResult, PostStatus
from core.ledger.review import DualReview, ReviewItem
from core.ledger.transfers import route_of
from core.ledger.writeoff import LIST, list_status

__all__ = ["PASS", "approve_pass", "bind_gate_pass", "binding_kind", "cancel_pass", "register_pass"]

PASS = "gate_pass"
_DONE = PostResult(PostStatus.DUPLICATE, ())
_OK = PostResult(PostStatus.APPLIED, ())


def _bind(books: Books, pass_id: str, items: tuple[PassItem, ...], route: tuple[str, ...]) -> None:
    """Bind ``items`` to their lists (bound ≤ listed), checking the route of transfers."""
    if not items or len({(i.list_id, i.item_no) for i in items}) != len(items):
        raise IdempotencyConflict(pass_id, "gate pass (no items, or an item twice)")
    for list_id in dict.fromkeys(i.list_id for i in items):
        st = list_status(books, list_id)
        if st.state is not WriteOffState.PRE_WRITTEN_OFF or st.voided or st.last_truck_passed:
            raise InvalidListState(list_id, st.state, "binding a gate pass")
        bl = st.bonded_list
        want = route_of(books, bl) if bl.is_transfer else ()
        if (want or len(set(route)) > 1) and tuple(route) != want:
            raise TransferRefused(list_id, f"gate pass {pass_id!r} route={route!r}, needs {want!r}")
        bound = list(st.bound)
        for it in items:
            if it.list_id != list_id:
                continue
            i = st.index(it.item_no)
            if i < 0:
                raise UnknownLine(f"{bl.account_id} (list {list_id})", it.item_no)
            bound[i] += check_quantity(it.quantity, f"gate pass {pass_id!r} line {it.item_no}")
            if bound[i] > bl.lines[i].quantity:
                raise OverBinding(list_id, it.item_no, bound[i], bl.lines[i].quantity)
        passes = st.passes if pass_id in st.passes else (*st.passes, pass_id)
        books.put_doc(LIST, list_id, replace(st, bound=tuple(bound), passes=passes))


def register_pass(books: Books, filing: GatePassFiling, approve: bool) -> PostResult:
    """Register a pass as customs sends it (declared; approved too when ``approve``).

    Raises:
        IdempotencyConflict: The pass exists with another filing, has no items or an
            item twice, or an empty id.
        UnknownDocument, InvalidListState: a list that does not exist or is not
            pre-written-off (or is voided, or its last truck passed).
        UnknownLine, BadQuantity, OverBinding: bad items, or more than the list holds.
        TransferRefused: a route that does not fit a transfer's zones.
    """
    if not filing.pass_id or len(filing.route) > 2:
        raise IdempotencyConflict(filing.pass_id, "gate pass (empty id or more than 2 gates)")
    old = books.doc(PASS, filing.pass_id, PassStatus)
    if old is not None:
        if old.filing != filing:
            raise IdempotencyConflict(filing.pass_id, "gate pass")
        return _DONE
    _bind(books, filing.pass_id, filing.items, filing.route)
    state = PassState.APPROVED if approve else PassState.DECLARED
    books.put_doc(PASS, filing.pass_id, PassStatus(filing, state, registered_s=books.now))
    return _OK


def approve_pass(books: Books, pass_id: str) -> PostResult:
    """Approve (审批) a declared pass. Raises: UnknownDocument, InvalidPassState."""
    ps = books.need_doc(PASS, pass_id, PassStatus)
    if ps.state is PassState.APPROVED:
        return _DONE
    if ps.state is not PassState.DECLARED:
        raise InvalidPassState(pass_id, ps.state.name, "approval")
    books.put_doc(PASS, pass_id, replace(ps, state=PassState.APPROVED))
    return _OK


def binding_kind(books: Books, pass_id: str) -> PassBindingKind:
    """Return how the pass binds trucks and lists (1:1, 1:N or N:1).

    Raises:
        UnknownDocument: No such pass.
    """
    ps = books.need_doc(PASS, pass_id, PassStatus)
    lists = ps.filing.list_ids
    if len(lists) > 1:
        return PassBindingKind.ONE_TRUCK_MANY_LISTS
    st = list_status(books, lists[0])
    if len(st.passes) > 1:
        return PassBindingKind.ONE_LIST_MANY_TRUCKS
    return PassBindingKind.ONE_TRUCK_ONE_LIST


def cancel_pass(books: Books, pass_id: str, review: DualReview) -> PostResult:
    """Void (作废) a pass not yet used, unbinding its goods (删改单, 双人复核).

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        UnknownDocument: No such pass.
        InvalidPassState: The pass is reserved or has passed a gate.
    """
    review.check(f"voiding of gate pass {pass_id!r}")
    ps = books.need_doc(PASS, pass_id, PassStatus)
    if ps.state is PassState.VOIDED:
        return _DONE
    if ps.pending or ps.legs_passed:
        raise InvalidPassState(pass_id, ps.state.name, "voiding (reserved or used)")
    for list_id in ps.filing.list_ids:
        st = list_status(books, list_id)
        bound = list(st.bound)
        for it in ps.filing.items:
            if it.list_id == list_id:
                bound[st.index(it.item_no)] -= it.quantity
        passes = tuple(p for p in st.passes if p != pass_id)
        books.put_doc(LIST, list_id, replace(st, bound=tuple(bound), passes=passes))
    books.put_doc(PASS, pass_id, replace(ps, state=PassState.VOIDED))
    books.audit(f"gate_pass:{pass_id}", ReviewItem.AMENDMENT, "cancel_pass", review)
    books.emit(PassCancelled(pass_id, review.reviewers, books.now))
    return _OK


def bind_gate_pass(books: Books, binding: GatePassBinding) -> PostResult:
    """Bind a pass to a list; binding it to a second list extends it (1:N).

    Raises:
        IdempotencyConflict: The pass already carries other quantities of this list.
        InvalidPassState: The pass is reserved, used or voided.
        Any error of :func:`register_pass`.
    """
    items = tuple(PassItem(binding.list_id, i, q) for i, q in binding.lines)
    ps = books.doc(PASS, binding.pass_id, PassStatus)
    if ps is None:
        return register_pass(books, GatePassFiling(binding.pass_id, "", items), approve=True)
    mine = tuple(i for i in ps.filing.items if i.list_id == binding.list_id)
    if mine:
        if mine != items:
            raise IdempotencyConflict(binding.pass_id, "gate pass")
        return _DONE
    if ps.state is not PassState.APPROVED or ps.pending or ps.legs_passed:
        raise InvalidPassState(binding.pass_id, ps.state.name, "binding another list")
    _bind(books, binding.pass_id, items, ps.filing.route)
    filing = replace(ps.filing, items=(*ps.filing.items, *items))
    books.put_doc(PASS, binding.pass_id, replace(ps, filing=filing))
    return _OK
