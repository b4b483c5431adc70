"""A lab ledger for a live gate: the book, lists and gate passes customs would have filed.

A real gate's ledger is fed by the customs system: the enterprise's account book
(账册), its bonded lists (核注清单), pre-written-off, and each approved gate pass
(核放单) bound to them. On a lab machine nobody does that, and a gate now opens only
for a pass the central state holds. :func:`register_lab_passes` files, in one
transaction, a lab book in the gate's zone with ample stock, one export list per list
number the passes name (holding what they carry), and every pass, approved, for its
plate (each pass on lists of its own). ``ftztwin lab-pass`` does the same from the command line (the walkthrough's
step), and the tests and benchmarks use it for their passes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from core.gate import GatePass
from core.ledger import (
    Account,
    AccountKind,
    BondedList,
    Direction,
    GatePassFiling,
    Ledger,
    Line,
    ListLine,
    Movement,
    MovementKind,
    PassItem,
    PostedBy,
    PosterKind,
    WriteOffMode,
)
from core.ledger.books import Books
from core.ledger.list_rules import declare_list, pre_write_off
from core.ledger.pass_filing import PASS, register_pass
from core.ledger.posting import apply_movement
from core.ledger.writeoff import LIST

__all__ = ["register_lab_passes"]

_LAB = PostedBy(PosterKind.SYSTEM, "lab")


def register_lab_passes(ledger: Ledger, passes: Iterable[GatePass], zone: str, now: float) -> int:
    """File a lab book, lists and ``passes`` (approved) for gates of ``zone``; return how many.

    A pass without items carries one unit of a list of its own. Lists already filed
    (a second call) are left as they are; passes already registered are skipped.

    Raises:
        core.ledger.LedgerError: A pass the ledger refuses (e.g. an item twice).
    """
    passes = list(passes)
    acc = f"LAB@{zone}"
    carried: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    filings = []
    for gp in passes:
        # Each pass gets lists of its own (``<list>~<pass>``): lab passes of one list
        # number may then be filed at any time, never binding more than a list holds.
        items = tuple(
            PassItem(f"{i.list_id}~{gp.pass_id}", i.item_no, i.quantity) for i in gp.items
        ) or (PassItem(f"LAB-{gp.pass_id}", 1, Decimal(1)),)
        for it in items:
            carried[it.list_id][it.item_no] += it.quantity
        filings.append(GatePassFiling(gp.pass_id, gp.plate, items))
    item_nos = sorted({n for lines in carried.values() for n in lines})
    with ledger.store.read() as tx:
        have_account = tx.get_account(acc) is not None
    if not have_account:
        lines = [Line(acc, n, f"LAB{n}", "8542310000", "kg") for n in item_nos or [1]]
        ledger.open_account(Account(acc, "LAB", AccountKind.BONDED_LOGISTICS, zone), lines, now)
    total = sum((q for lines in carried.values() for q in lines.values()), Decimal(0))
    with ledger.store.write() as tx:
        books = Books(tx, now)
        for n in item_nos:
            if tx.get_line(acc, n) is None:
                continue
            key = f"lab-stock:{acc}:{n}:{passes[0].pass_id if passes else ''}"
            apply_movement(books, Movement(key, acc, n, MovementKind.IN, total + 1, "kg", _LAB))
        for list_id, lines in carried.items():
            if tx.get_doc(LIST, list_id) is not None:
                continue
            bl = BondedList(
                list_id,
                acc,
                Direction.EXPORT,
                WriteOffMode.D,
                tuple(ListLine(n, q, "kg") for n, q in sorted(lines.items())),
                _LAB,
                declaration_id=f"LAB-{list_id}",
            )
            declare_list(books, bl)
            pre_write_off(books, list_id)
        for f in filings:
            if tx.get_doc(PASS, f.pass_id) is None:
                register_pass(books, f, True)
        books.flush()
    return len(filings)
