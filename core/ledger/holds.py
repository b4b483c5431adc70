"""Account holds: the consequence of an overdue declaration (先进区后报关、集中申报逾期).

While an account book has an overdue obligation, its goods may not leave: no outflow
list is pre-written-off and no gate pass carrying outflow goods of it is reserved. The
hold lifts, with an event, when the last overdue declaration is filed.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.ledger.books import Books
from core.ledger.events import AccountHeld, AccountHoldLifted

__all__ = ["AccountHold", "account_hold", "hold_account", "lift_hold"]

HOLD = "account_hold"


@dataclass(frozen=True, slots=True)
class AccountHold:
    """Why an account book is on hold.

    Attributes:
        account_id: The account book.
        reasons: One reason per open cause, e.g. ``declaration_overdue:L7``.
    """

    account_id: str
    reasons: tuple[str, ...]


def account_hold(books: Books, account_id: str) -> tuple[str, ...]:
    """Return the reasons an account is on hold; empty when it is free."""
    h = books.doc(HOLD, account_id, AccountHold)
    return h.reasons if h is not None else ()


def hold_account(books: Books, account_id: str, reason: str) -> None:
    """Add ``reason`` to the account's hold (emits AccountHeld when newly held)."""
    reasons = account_hold(books, account_id)
    if reason in reasons:
        return
    books.put_doc(HOLD, account_id, AccountHold(account_id, (*reasons, reason)))
    if not reasons:
        ent = books.account(account_id).enterprise_id
        books.emit(AccountHeld(account_id, ent, (reason,), books.now))


def lift_hold(books: Books, account_id: str, reason: str) -> None:
    """Remove ``reason``; emits AccountHoldLifted when nothing holds the account any more."""
    reasons = account_hold(books, account_id)
    if reason not in reasons:
        return
    rest = tuple(r for r in reasons if r != reason)
    books.put_doc(HOLD, account_id, AccountHold(account_id, rest) if rest else None)
    if not rest:
        ent = books.account(account_id).enterprise_id
        books.emit(AccountHoldLifted(account_id, ent, books.now))
