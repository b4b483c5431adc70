"""Errors of the bonded-goods ledger (账册).

Every error is raised before anything is written, so a caller that catches one knows the
ledger is exactly as it was. Messages name the account, the line and the bad value.
"""

from __future__ import annotations

from core.errors import CoreError

__all__ = [
    "AlreadyCorrected",
    "BadQuantity",
    "DualReviewRequired",
    "GuaranteeExhausted",
    "IdempotencyConflict",
    "InvalidListState",
    "LedgerError",
    "ModeNotAllowed",
    "OverBinding",
    "Overdraw",
    "ReferenceConflict",
    "UnknownAccount",
    "UnknownDocument",
    "UnknownLine",
    "WrongUnit",
]


class LedgerError(CoreError):
    """Root of every error the ledger raises on bad input."""


class UnknownAccount(LedgerError):
    """The account book (账册) named does not exist."""

    def __init__(self, account_id: str) -> None:
        super().__init__(f"unknown account {account_id!r}")
        self.account_id = account_id


class UnknownLine(LedgerError):
    """The filing item number (备案序号) is not filed in the account."""

    def __init__(self, account_id: str, item_no: int) -> None:
        super().__init__(f"account {account_id!r} has no line with item_no={item_no!r}")
        self.account_id = account_id
        self.item_no = item_no


class UnknownDocument(LedgerError):
    """A document (bonded list, gate pass, declaration, entry …) does not exist."""

    def __init__(self, kind: str, doc_id: str) -> None:
        super().__init__(f"unknown {kind} {doc_id!r}")
        self.kind = kind
        self.doc_id = doc_id


class WrongUnit(LedgerError):
    """A quantity was given in another unit than the line is filed in."""

    def __init__(self, account_id: str, item_no: int, unit: str, filed_unit: str) -> None:
        super().__init__(
            f"account {account_id!r} line {item_no}: unit={unit!r} but the line is filed in "
            f"{filed_unit!r}"
        )


class BadQuantity(LedgerError):
    """A quantity is negative, zero, not finite or not an exact number."""

    def __init__(self, where: str, field: str, value: object) -> None:
        super().__init__(f"{where}: {field}={value!r} must be an exact number greater than 0")


class Overdraw(LedgerError):
    """An outflow would take a line below zero (the account refuses to overdraw)."""

    def __init__(self, account_id: str, item_no: int, available: object, wanted: object) -> None:
        super().__init__(
            f"account {account_id!r} line {item_no}: quantity={wanted} exceeds the available "
            f"balance {available}"
        )
        self.account_id = account_id
        self.item_no = item_no


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for a different submission."""

    def __init__(self, key: str, what: str) -> None:
        super().__init__(f"key {key!r} was already used for a different {what}")
        self.key = key


class ReferenceConflict(LedgerError):
    """Reference data (account, line, filed consumption) is already filed differently."""

    def __init__(self, kind: str, ref: str) -> None:
        super().__init__(f"{kind} {ref} is already filed with different content")


class DualReviewRequired(LedgerError):
    """A correction, deletion or adjustment lacks two distinct approvers (双人复核)."""

    def __init__(self, what: str, approvers: tuple[str, ...]) -> None:
        super().__init__(f"{what} needs two distinct approvers, got approvers={approvers!r}")


class AlreadyCorrected(LedgerError):
    """An entry that was already reversed cannot be reversed again."""

    def __init__(self, seq: int) -> None:
        super().__init__(f"entry seq={seq} is already corrected or is not a posted entry")


class InvalidListState(LedgerError):
    """A bonded list (核注清单) is not in a write-off state that allows the operation."""

    def __init__(self, list_id: str, state: object, operation: str) -> None:
        super().__init__(f"bonded list {list_id!r} in state {state!s} does not allow {operation}")
        self.list_id = list_id


class OverBinding(LedgerError):
    """Gate passes (核放单) would bind more than the bonded list holds on a line."""

    def __init__(self, list_id: str, item_no: int, bound: object, listed: object) -> None:
        super().__init__(
            f"bonded list {list_id!r} line {item_no}: bound quantity {bound} would exceed the "
            f"listed quantity {listed}"
        )


class GuaranteeExhausted(LedgerError):
    """A guarantee (担保) has too little left to secure an amount."""

    def __init__(self, guarantee_id: str, available: object, wanted: object) -> None:
        super().__init__(
            f"guarantee {guarantee_id!r}: amount={wanted} exceeds the available {available}"
        )


class ModeNotAllowed(LedgerError):
    """A write-off mode does not fit the account book's kind."""

    def __init__(self, list_id: str, mode: str, kind: str) -> None:
        super().__init__(
            f"bonded list {list_id!r}: mode={mode!r} is not allowed on a {kind} account"
        )
