"""Errors of the bonded-goods ledger (账册).

Every error is raised before anything is written, so a caller that catches one knows the
ledger is exactly as it was. Messages name the account, the line and the bad value.
"""

from __future__ import annotations

from core.errors import CoreError

__all__ = [
    "AccountOnHold",
    "AlreadyCorrected",
    "BadDeclaration",
    "BadFiling",
    "BadQuantity",
    "DeclarationMismatch",
    "DualReviewRequired",
    "GatePassRefused",
    "GoodsOnHold",
    "GuaranteeExhausted",
    "IdempotencyConflict",
    "InvalidDeclarationState",
    "InvalidListState",
    "InvalidPassState",
    "LedgerError",
    "ModeNotAllowed",
    "OverBinding",
    "Overdraw",
    "ReferenceConflict",
    "TaxBasisMismatch",
    "TransferRefused",
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
    """A reviewed item lacks its maker and two other, distinct reviewers (双人复核)."""

    def __init__(self, what: str, people: tuple[str, ...]) -> None:
        super().__init__(
            f"{what} needs a maker and two distinct other reviewers (双人复核), "
            f"got (maker, first, second)={people!r}"
        )


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


class BadFiling(LedgerError):
    """Reference data filed with a bad field (e.g. a line in a table its book lacks)."""

    def __init__(self, what: str, field: str, value: object) -> None:
        super().__init__(f"{what}: {field}={value!r} is not allowed")
        self.field = field


class BadDeclaration(LedgerError):
    """A customs declaration (报关单) has a bad field; the path names it."""

    def __init__(self, declaration_id: str, path: str, value: object, why: str) -> None:
        super().__init__(f"declaration {declaration_id!r}: {path}={value!r}: {why}")
        self.path = path


class DeclarationMismatch(LedgerError):
    """A declaration does not agree with the bonded lists or account lines it covers."""

    def __init__(self, declaration_id: str, path: str, declared: object, filed: object) -> None:
        super().__init__(
            f"declaration {declaration_id!r}: {path}={declared!r} but the ledger has {filed!r}"
        )
        self.path = path


class AccountOnHold(LedgerError):
    """The account book is on hold (e.g. a declaration is overdue): goods may not leave."""

    def __init__(self, account_id: str, reasons: tuple[str, ...]) -> None:
        super().__init__(f"account {account_id!r} is on hold: {', '.join(reasons)}")
        self.account_id = account_id


class GoodsOnHold(LedgerError):
    """A bonded list's goods are held (e.g. the three documents disagree)."""

    def __init__(self, list_id: str, reasons: tuple[str, ...]) -> None:
        super().__init__(f"bonded list {list_id!r} is held: {', '.join(reasons)}")
        self.list_id = list_id


class TransferRefused(LedgerError):
    """A transfer (结转/分送集报) whose receiving book does not fit the goods."""

    def __init__(self, list_id: str, reason: str) -> None:
        super().__init__(f"transfer {list_id!r}: {reason}")
        self.list_id = list_id


class TaxBasisMismatch(LedgerError):
    """An assessment contradicts the selective-tax basis chosen (选择性征税)."""

    def __init__(self, declaration_id: str, field: str, assessed: object, basis: object) -> None:
        super().__init__(
            f"tax assessment of {declaration_id!r}: {field}={assessed} contradicts the "
            f"chosen basis, which gives {basis}"
        )


class InvalidPassState(LedgerError):
    """A gate pass (核放单) is not in a state that allows the operation."""

    def __init__(self, pass_id: str, state: object, operation: str) -> None:
        super().__init__(f"gate pass {pass_id!r} in state {state!s} does not allow {operation}")
        self.pass_id = pass_id


class GatePassRefused(LedgerError):
    """A one-step gate-passage annotation the pass state refuses (reason as a code)."""

    def __init__(self, pass_id: str, reason: str, detail: str) -> None:
        super().__init__(f"gate pass {pass_id!r} refused: {reason} ({detail})")
        self.pass_id = pass_id
        self.reason = reason


class InvalidDeclarationState(LedgerError):
    """A declaration is not in a state that allows the operation (e.g. released)."""

    def __init__(self, declaration_id: str, state: str, operation: str) -> None:
        super().__init__(f"declaration {declaration_id!r} is {state}: {operation} not allowed")
