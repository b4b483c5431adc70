"""Filing, attaching and cancelling declarations, with their deadlines.

Filing a full declaration (:class:`CustomsDeclaration`) validates every field, checks it
against the books, attaches it to each of its lists (which may then be written off once
released and fully passed) and fulfils each list's deadline; a late one is charged its
late-declaration fee and its book's hold is lifted. Cancelling a declaration not yet
released (删改单) is reviewed by two officers besides its maker; its lists await a
declaration again, with a fresh batch deadline.
"""

from __future__ import annotations

from dataclasses import replace

from core.ledger.books import Books
from core.ledger.declarations import (
    BODY,
    CustomsDeclaration,
    check_against_books,
    validate_declaration,
)
from core.ledger.errors import InvalidDeclarationState
from core.ledger.list_rules import DECL, file_declaration
from core.ledger.lists import DeclarationDoc
from core.ledger.model import Entry
from core.ledger.obligations import (
    OBL,
    DeadlinePolicy,
    EntryObligation,
    fulfil_obligation,
    open_batch_obligation,
)
from core.ledger.posting import PostResult, PostStatus
from core.ledger.review import DualReview, ReviewItem
from core.ledger.writeoff import LIST, list_status

__all__ = ["attach", "cancel", "file"]


def attach(books: Books, list_id: str, declaration_id: str, policy: DeadlinePolicy) -> PostResult:
    """Attach a declaration to a list by id and fulfil the list's deadline."""
    r = file_declaration(books, list_id, declaration_id)
    fulfil_obligation(books, list_id, policy)
    return r


def file(books: Books, d: CustomsDeclaration, policy: DeadlinePolicy) -> PostResult:
    """File a full declaration for its lists.

    Raises:
        BadDeclaration: A malformed field (the path names it).
        DeclarationMismatch: The declaration disagrees with the lists or the books.
        IdempotencyConflict: Filed before with other content, or a list has another.
    """
    validate_declaration(d)
    if books.doc(BODY, d.declaration_id, CustomsDeclaration) == d:
        return PostResult(PostStatus.DUPLICATE, ())
    check_against_books(books, d)
    books.put_doc(BODY, d.declaration_id, d)
    entries: list[Entry] = []
    for list_id in d.list_ids:
        entries.extend(attach(books, list_id, d.declaration_id, policy).entries)
    return PostResult(PostStatus.APPLIED, tuple(entries))


def cancel(
    books: Books, declaration_id: str, review: DualReview, policy: DeadlinePolicy
) -> PostResult:
    """Cancel a declaration not yet released; its lists await a declaration again.

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        UnknownDocument: No such declaration.
        InvalidDeclarationState: It is released.
    """
    review.check(f"cancellation of declaration {declaration_id!r}")
    d = books.need_doc(DECL, declaration_id, DeclarationDoc)
    if d.released:
        raise InvalidDeclarationState(declaration_id, "released", "cancellation")
    for list_id in d.list_ids:
        st = list_status(books, list_id)
        books.put_doc(LIST, list_id, replace(st, declaration_id=""))
        books.put_doc("undeclared", list_id, list_id)
        if books.doc(OBL, list_id, EntryObligation) is not None:
            books.put_doc(OBL, list_id, None)  # the old deadline is superseded
        open_batch_obligation(books, list_id, policy)
    books.put_doc(DECL, declaration_id, None)
    books.put_doc(BODY, declaration_id, None)
    books.audit(f"declaration:{declaration_id}", ReviewItem.AMENDMENT, "cancel_declaration", review)
    return PostResult(PostStatus.APPLIED, ())
