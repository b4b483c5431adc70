"""The gate-pass API (核放单) for gates, the customs system and restart recovery.

For the gate (the live gate service, the twin's gates), one passage::

    r = ledger.passes.reserve_pass(pass_id, passage_id, plate, gate_ref, now)
    if isinstance(r, Refusal):          # unknown, used, voided, another truck's …
        ...                             # do not open; r.reason says why
    else:                               # durable: the pass is pending for this passage
        ...                             # command the barrier, then, once confirmed:
        ledger.passes.post_pass(passage_id, now)      # consumed, goods counted
        # or, when the truck goes to a manual post / the command fails:
        ledger.passes.void_pass(passage_id, "manual_post", now)

On restart, settle what was pending: post the reservations whose barrier command is in
the command log, void the others (:meth:`GatePasses.pending_reservations`). Every call
is one committed transaction when it returns; reserve, post and void refuse by return
value, never by raising, and every refusal is an outbox event for central monitoring.

For the customs system: :meth:`GatePasses.register_pass` (declared or approved),
:meth:`GatePasses.approve_pass`, :meth:`GatePasses.cancel_pass` (作废, dual review).
"""

from __future__ import annotations

from core.ledger import pass_filing as filing_rules
from core.ledger import pass_rules as rules
from core.ledger.books import Books
from core.ledger.passes import (
    GatePassFiling,
    PassBindingKind,
    PassItem,
    PassStatus,
    PassUse,
    Refusal,
    Reservation,
    ReservationStatus,
)
from core.ledger.port import LedgerTx
from core.ledger.posting import PostResult
from core.ledger.review import DualReview
from core.ledger.service import Service

__all__ = ["GatePasses"]


def _pending(tx: LedgerTx) -> list[Reservation]:
    out = []
    for passage_id in tx.docs(rules.PENDING):
        r = tx.get_doc(rules.RESERVATION, str(passage_id))
        if isinstance(r, Reservation) and r.status is ReservationStatus.PENDING:
            out.append(r)
    return sorted(out, key=lambda r: (r.reserved_s, r.passage_id))


class GatePasses:
    """The central gate-pass state of one ledger (``ledger.passes``)."""

    def __init__(self, service: Service) -> None:
        """Work through ``service``'s store and policy."""
        self._s = service

    # -- from the customs system -----------------------------------------------------
    def register_pass(
        self, filing: GatePassFiling, now: float, approved: bool = True
    ) -> PostResult:
        """Register a pass as customs sends it: approved (已审批) by default, else declared.

        Raises:
            LedgerError: A bad filing (see :func:`core.ledger.pass_filing.register_pass`).
        """
        return self._s.run(now, lambda b: filing_rules.register_pass(b, filing, approved))

    def approve_pass(self, pass_id: str, now: float) -> PostResult:
        """Approve a declared pass. Raises: UnknownDocument, InvalidPassState."""
        return self._s.run(now, lambda b: filing_rules.approve_pass(b, pass_id))

    def cancel_pass(self, pass_id: str, review: DualReview, now: float) -> PostResult:
        """Void (作废) a pass not yet used, after dual review.

        Raises:
            DualReviewRequired, UnknownDocument, InvalidPassState: see
                :func:`core.ledger.pass_filing.cancel_pass`.
        """
        return self._s.run(now, lambda b: filing_rules.cancel_pass(b, pass_id, review))

    # -- from the gate -----------------------------------------------------------------
    def reserve_pass(
        self, pass_id: str, passage_id: str, plate: str, gate_ref: str, now: float
    ) -> Reservation | Refusal:
        """Reserve the pass for this passage before the barrier opens.

        Args:
            pass_id: The pass presented.
            passage_id: One truck in one lane once; a retry with the same id gets the
                same reservation back.
            plate: The plate read at the gate; another truck's plate is refused.
            gate_ref: The gate, ``<zone>/<gate>``; its zone must be the pass's next.
            now: Current time, seconds.

        Returns:
            The pending reservation, durable; or why the pass was refused.
        """
        return self._s.transact(
            now, lambda b: rules.reserve_pass(b, pass_id, passage_id, plate, gate_ref)
        )

    def post_pass(
        self, passage_id: str, now: float, quantities: tuple[PassItem, ...] | None = None
    ) -> Reservation | Refusal:
        """Post the reservation once the barrier command is confirmed: the leg is consumed.

        Args:
            passage_id: The reserved passage (posting it again returns it unchanged).
            now: Current time, seconds.
            quantities: What actually passed (written back to the lists); the pass's
                items when None.
        """
        timeout = self._s.policy.transit_timeout_s
        return self._s.transact(now, lambda b: rules.post_pass(b, passage_id, quantities, timeout))

    def pass_through(
        self, pass_id: str, passage_id: str, plate: str, gate_ref: str, now: float
    ) -> Reservation | Refusal:
        """Reserve and post in one transaction, for a passage already confirmed.

        For callers whose barrier has opened already (the twin's gates, a replay of a
        command log): the same checks as :meth:`reserve_pass`, and the leg consumed.
        """
        timeout = self._s.policy.transit_timeout_s

        def rule(b: Books) -> Reservation | Refusal:
            r = rules.reserve_pass(b, pass_id, passage_id, plate, gate_ref)
            return r if isinstance(r, Refusal) else rules.post_pass(b, passage_id, None, timeout)

        return self._s.transact(now, rule)

    def void_pass(self, passage_id: str, reason: str, now: float) -> Reservation | Refusal:
        """Void a pending reservation (``manual_post``, ``timeout`` …): not consumed."""
        return self._s.transact(now, lambda b: rules.void_pass(b, passage_id, reason))

    def void_expired(self, now: float, timeout_s: float | None = None) -> list[Reservation]:
        """Void every reservation pending longer than ``timeout_s`` (the policy's if None)."""
        limit = self._s.policy.reservation_timeout_s if timeout_s is None else timeout_s
        return self._s.transact(now, lambda b: rules.void_expired(b, limit))

    def pending_reservations(self) -> list[Reservation]:
        """Return every pending reservation, oldest first, to settle after a restart."""
        return self._s.read(_pending)

    # -- reads ---------------------------------------------------------------------------
    def pass_status(self, pass_id: str) -> PassStatus | None:
        """Return a pass's central state, or None."""
        d = self._s.read(lambda tx: tx.get_doc(filing_rules.PASS, pass_id))
        return d if isinstance(d, PassStatus) else None

    def reservation(self, passage_id: str) -> Reservation | None:
        """Return a passage's reservation, or None."""
        d = self._s.read(lambda tx: tx.get_doc(rules.RESERVATION, passage_id))
        return d if isinstance(d, Reservation) else None

    def pass_uses(self, pass_id: str) -> list[PassUse]:
        """Return the consumed legs of a pass (the store's append-only record)."""
        return self._s.read(lambda tx: tx.pass_uses(pass_id))

    def binding_kind(self, pass_id: str) -> PassBindingKind:
        """Return 1:1, 1:N or N:1 for a registered pass. Raises: UnknownDocument."""
        return self._s.read(lambda tx: filing_rules.binding_kind(Books(tx, 0.0), pass_id))
