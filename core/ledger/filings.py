"""Account-book filing (账册备案): books, their tables, and merge relations (归并关系).

A processing book keeps a material table (料件) and a finished-product table (成品); a
logistics book keeps goods by item; a services book the goods under service. A line
must be filed in a table its book has. Enterprises keep many part numbers (料号) where
customs files one item number (备案序号): a merge relation maps a part number to its
filed item, with the factor that converts the enterprise's unit into the filed unit,
so work orders and ERP postings can name their own part numbers.

Filing is reviewed by two officers (双人复核) besides its maker, or, for the plan's
low-risk enterprises, done automatically (自动备案) when the policy allows; both leave a
line in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import BadFiling, ReferenceConflict, UnknownDocument
from core.ledger.model import TABLES_OF, Account, Line, check_quantity
from core.ledger.posting import PostResult, PostStatus
from core.ledger.review import DualReview, ReviewItem, require_review

__all__ = [
    "MergeRelation",
    "file_lines",
    "file_merge_relation",
    "open_account",
    "resolve_part",
]

MERGE = "merge_relation"
_ITEM = ReviewItem.ACCOUNT_FILING


@dataclass(frozen=True, slots=True)
class MergeRelation:
    """An enterprise part number merged into a filed item (归并关系).

    Attributes:
        account_id: The account book.
        part_no: The enterprise's part number (企业料号).
        item_no: The filed item number (备案序号) it is merged into.
        factor: Filed units per enterprise unit (单位折算系数), greater than 0.
    """

    account_id: str
    part_no: str
    item_no: int
    factor: Decimal = Decimal(1)


def _review(review: DualReview | None, auto: bool, what: str) -> DualReview | None:
    if review is None and auto:
        return None
    return require_review(review, what)


def _check_line(books: Books, line: Line) -> None:
    acc = books.account(line.account_id)
    where = f"line {line.account_id}#{line.item_no}"
    if line.table not in TABLES_OF[acc.kind]:
        raise BadFiling(f"{where} on a {acc.kind.value} book", "table", line.table.value)
    if not (line.hs_code.isdigit() and 4 <= len(line.hs_code) <= 10):
        raise BadFiling(where, "hs_code", line.hs_code)
    if not line.unit:
        raise BadFiling(where, "unit", line.unit)


def file_lines(
    books: Books, lines: Sequence[Line], review: DualReview | None, auto: bool
) -> PostResult:
    """File lines on existing books; the same line again is a duplicate.

    Raises:
        UnknownAccount: A book does not exist.
        BadFiling: A table the book lacks, a malformed HS code or no unit.
        ReferenceConflict: A line exists with other content.
        DualReviewRequired: No valid review and automatic filing is not allowed.
    """
    applied = []
    for line in lines:
        _check_line(books, line)
        old = books.find_line(line.account_id, line.item_no)
        if old is not None:
            if old != line:
                raise ReferenceConflict("line", f"{line.account_id}#{line.item_no}")
            continue
        applied.append(line)
    if not applied:
        return PostResult(PostStatus.DUPLICATE, ())
    r = _review(review, auto, f"filing lines of {applied[0].account_id!r}")
    for line in applied:
        books.add_line(line)
        books.audit(f"line:{line.account_id}#{line.item_no}", _ITEM, "file_line", r)
    return PostResult(PostStatus.APPLIED, ())


def open_account(
    books: Books, account: Account, lines: Sequence[Line], review: DualReview | None, auto: bool
) -> PostResult:
    """Open a book and file its lines (账册备案); the same again is a duplicate.

    Raises:
        ReferenceConflict: The book or a line exists with other content.
        BadFiling, DualReviewRequired: see :func:`file_lines`.
    """
    old = books.find_account(account.account_id)
    if old is not None and old != account:
        raise ReferenceConflict("account", account.account_id)
    if old is None:
        r = _review(review, auto, f"opening account {account.account_id!r}")
        books.add_account(account)
        books.audit(f"account:{account.account_id}", _ITEM, "open_account", r)
    result = file_lines(books, lines, review, auto)
    return result if old is not None else PostResult(PostStatus.APPLIED, ())


def file_merge_relation(
    books: Books, rel: MergeRelation, review: DualReview | None, auto: bool
) -> PostResult:
    """File a merge relation from a part number to a filed item.

    Raises:
        UnknownAccount, UnknownLine: The book or the item is not filed.
        BadFiling: An empty part number.
        BadQuantity: A factor that is not greater than 0.
        ReferenceConflict: The part number is already merged differently.
        DualReviewRequired: No valid review and automatic filing is not allowed.
    """
    books.line(rel.account_id, rel.item_no)
    if not rel.part_no:
        raise BadFiling(f"merge relation of {rel.account_id!r}", "part_no", rel.part_no)
    check_quantity(rel.factor, f"merge relation {rel.account_id}#{rel.part_no}", "factor")
    doc_id = f"{rel.account_id}#{rel.part_no}"
    old = books.doc(MERGE, doc_id, MergeRelation)
    if old is not None:
        if old != rel:
            raise ReferenceConflict("merge relation", doc_id)
        return PostResult(PostStatus.DUPLICATE, ())
    r = _review(review, auto, f"filing merge relation {doc_id!r}")
    books.put_doc(MERGE, doc_id, rel)
    books.audit(f"{MERGE}:{doc_id}", _ITEM, "file_merge_relation", r)
    return PostResult(PostStatus.APPLIED, ())


def resolve_part(books: Books, account_id: str, part_no: str) -> MergeRelation:
    """Return the merge relation of a part number.

    Raises:
        UnknownDocument: The part number is not merged into any filed item.
    """
    rel = books.doc(MERGE, f"{account_id}#{part_no}", MergeRelation)
    if rel is None:
        raise UnknownDocument(MERGE, f"{account_id}#{part_no}")
    return rel
