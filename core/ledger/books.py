"""A unit of work over one store transaction: read through, write at the end.

Every rule reads and books through a :class:`Books`; nothing reaches the store until
:meth:`Books.flush`, which runs only after every check of the command has passed. So a
failing command writes nothing even before the transaction is rolled back, and a batch
sees its own earlier movements.
"""

from __future__ import annotations

from typing import TypeVar

from core.ledger.errors import UnknownAccount, UnknownDocument, UnknownLine
from core.ledger.events import LedgerEvent
from core.ledger.model import Account, Entry, Line, LineBalance
from core.ledger.passes import PassUse
from core.ledger.port import LedgerTx
from core.ledger.review import AUTOMATIC, DualReview, ReviewItem, ReviewRecord

__all__ = ["Books"]

T = TypeVar("T")
_MISSING = object()


class Books:
    """Buffered view of the ledger inside one write transaction."""

    __slots__ = (
        "_accounts",
        "_audit",
        "_balances",
        "_dirty_docs",
        "_docs",
        "_entries",
        "_keys",
        "_lines",
        "_new_accounts",
        "_new_lines",
        "_pass_uses",
        "_seq",
        "events",
        "now",
        "tx",
    )

    def __init__(self, tx: LedgerTx, now: float) -> None:
        """Open a view on ``tx`` at time ``now`` (seconds)."""
        self.tx = tx
        self.now = now
        self.events: list[LedgerEvent] = []
        self._accounts: dict[str, Account | None] = {}
        self._lines: dict[tuple[str, int], Line | None] = {}
        self._balances: dict[tuple[str, int], LineBalance] = {}
        self._entries: list[Entry] = []
        self._keys: dict[str, Entry] = {}
        self._docs: dict[tuple[str, str], object] = {}
        self._dirty_docs: dict[tuple[str, str], object] = {}
        self._new_accounts: list[Account] = []
        self._new_lines: list[Line] = []
        self._audit: list[ReviewRecord] = []
        self._pass_uses: list[PassUse] = []
        self._seq = -1

    def find_account(self, account_id: str) -> Account | None:
        """Return the account or None."""
        try:
            return self._accounts[account_id]
        except KeyError:
            acc = self._accounts[account_id] = self.tx.get_account(account_id)
            return acc

    def account(self, account_id: str) -> Account:
        """Return the account. Raises: UnknownAccount: it does not exist."""
        acc = self.find_account(account_id)
        if acc is None:
            raise UnknownAccount(account_id)
        return acc

    def find_line(self, account_id: str, item_no: int) -> Line | None:
        """Return the line or None."""
        k = (account_id, item_no)
        try:
            return self._lines[k]
        except KeyError:
            line = self._lines[k] = self.tx.get_line(account_id, item_no)
            return line

    def line(self, account_id: str, item_no: int) -> Line:
        """Return the line of an existing account.

        Raises:
            UnknownAccount: The account does not exist.
            UnknownLine: The item number is not filed in the account.
        """
        line = self.find_line(account_id, item_no)
        if line is None:
            self.account(account_id)
            raise UnknownLine(account_id, item_no)
        return line

    def add_account(self, account: Account) -> None:
        """Book a new account (written at flush)."""
        self._accounts[account.account_id] = account
        self._new_accounts.append(account)

    def add_line(self, line: Line) -> None:
        """Book a new line (written at flush)."""
        self._lines[(line.account_id, line.item_no)] = line
        self._new_lines.append(line)

    def balance(self, account_id: str, item_no: int) -> LineBalance:
        """Return the line's current balance within this unit of work."""
        k = (account_id, item_no)
        b = self._balances.get(k)
        if b is None:
            b = self.tx.get_balance(account_id, item_no) or LineBalance(account_id, item_no)
            self._balances[k] = b
        return b

    def set_balance(self, balance: LineBalance) -> None:
        """Replace a line's balance (written at flush)."""
        self._balances[(balance.account_id, balance.item_no)] = balance

    def entry(self, key: str) -> Entry | None:
        """Return the leg-0 entry booked under ``key`` (here or before), or None."""
        e = self._keys.get(key)
        return e if e is not None else self.tx.get_entry(key)

    def next_seq(self) -> int:
        """Return the seq the next entry gets."""
        if self._seq < 0:
            self._seq = self.tx.last_seq()
        return self._seq + 1

    def add_entry(self, entry: Entry) -> None:
        """Append an entry (written at flush); its seq must be :meth:`next_seq`."""
        self._seq = entry.seq
        self._entries.append(entry)
        if entry.leg == 0:
            self._keys[entry.key] = entry

    def doc(self, kind: str, doc_id: str, cls: type[T]) -> T | None:
        """Return a document of type ``cls`` or None."""
        k = (kind, doc_id)
        d = self._docs.get(k, _MISSING)
        if d is _MISSING:
            d = self._docs[k] = self.tx.get_doc(kind, doc_id)
        if d is None:
            return None
        assert isinstance(d, cls), f"{kind} {doc_id} is a {type(d).__name__}"
        return d

    def need_doc(self, kind: str, doc_id: str, cls: type[T]) -> T:
        """Return a document. Raises: UnknownDocument: it does not exist."""
        d = self.doc(kind, doc_id, cls)
        if d is None:
            raise UnknownDocument(kind, doc_id)
        return d

    def put_doc(self, kind: str, doc_id: str, doc: object) -> None:
        """Insert or replace a document (written at flush); None deletes it."""
        self._docs[(kind, doc_id)] = doc
        self._dirty_docs[(kind, doc_id)] = doc

    def audit(
        self,
        doc_ref: str,
        item: ReviewItem,
        action: str,
        review: DualReview | None,
        detail: str = "",
    ) -> None:
        """Append one line to the audit trail (``review`` None: an automatic action)."""
        maker, reviewers = (AUTOMATIC, ()) if review is None else (review.maker, review.reviewers)
        self._audit.append(ReviewRecord(doc_ref, item, action, maker, reviewers, self.now, detail))

    def use_pass(self, use: PassUse) -> None:
        """Record one consumed pass leg (the store refuses a second use of the leg)."""
        self._pass_uses.append(use)

    def emit(self, event: LedgerEvent) -> None:
        """Record an event (returned to the caller and written to the outbox)."""
        self.events.append(event)

    def flush(self) -> None:
        """Write everything booked to the transaction, in dependency order."""
        tx = self.tx
        for acc in self._new_accounts:
            tx.put_account(acc)
        for line in self._new_lines:
            tx.put_line(line)
        if self._entries:
            tx.append_entries(self._entries)
            touched = sorted({(e.account_id, e.item_no) for e in self._entries})
            tx.put_balances([self._balances[k] for k in touched if k in self._balances])
        for (kind, doc_id), doc in self._dirty_docs.items():
            if doc is None:
                tx.delete_doc(kind, doc_id)
            else:
                tx.put_doc(kind, doc_id, doc)
        for use in self._pass_uses:
            tx.append_pass_use(use)
        if self._audit:
            tx.append_audit(self._audit)
        if self.events:
            tx.append_events(self.events, self.now)
