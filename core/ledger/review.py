"""Dual review (双人复核) with separated duties, and its append-only audit trail.

The reform plan replaces three-level approval by two officers' review for five items:
account-book filing (账册备案), deposit and tax collection (保证金等税费征收),
declaration amendment and cancellation (删改单), inspection exceptions (查验异常处理)
and account-book write-off (账册核销). The ledger refuses any of these unless the
officer who made the entry (the maker) and two reviewers are named, all three
different: the maker never reviews their own entry, and the two reviewers differ.
Every reviewed (or automatic) action is appended to an audit trail that the store
keeps append-only and that can be queried per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.ledger.errors import DualReviewRequired

__all__ = ["AUTOMATIC", "DualReview", "ReviewItem", "ReviewRecord", "require_review"]

AUTOMATIC = "system"  # the maker of an automatic action (e.g. low-risk automatic filing)


class ReviewItem(StrEnum):
    """The plan's five items under dual review (双人复核)."""

    ACCOUNT_FILING = "account_filing"  # 账册备案
    TAX_COLLECTION = "tax_collection"  # 保证金等税费征收
    AMENDMENT = "amendment"  # 删改单
    INSPECTION_EXCEPTION = "inspection_exception"  # 查验异常处理
    ACCOUNT_WRITE_OFF = "account_write_off"  # 账册核销


@dataclass(frozen=True, slots=True)
class DualReview:
    """Who made an entry and the two officers who reviewed it (双人复核).

    Attributes:
        maker: The officer who made the entry (经办人).
        first: The first reviewer (复核人).
        second: The second reviewer.
    """

    maker: str
    first: str
    second: str

    @property
    def reviewers(self) -> tuple[str, str]:
        """The two reviewers, in order."""
        return (self.first, self.second)

    def check(self, what: str, entered_by: str = "") -> None:
        """Raise unless the three are named and all different.

        Args:
            what: What is reviewed, for the message (e.g. ``correction of entry seq=4``).
            entered_by: The officer the command says entered it; when given, it must be
                the maker (an entry cannot be made by one officer and signed by another).

        Raises:
            DualReviewRequired: A party is empty, the maker reviews their own entry, the
                reviewers are the same person, or the maker is not who entered it.
        """
        people = (self.maker, self.first, self.second)
        if not all(people) or len(set(people)) != 3:
            raise DualReviewRequired(what, people)
        if entered_by and entered_by != self.maker:
            raise DualReviewRequired(f"{what} (entered by {entered_by!r}, not the maker)", people)


def require_review(review: DualReview | None, what: str, entered_by: str = "") -> DualReview:
    """Return ``review`` after checking it, or raise when it is missing or invalid.

    Raises:
        DualReviewRequired: No review, or not a maker and two distinct other reviewers.
    """
    if review is None:
        raise DualReviewRequired(what, ())
    review.check(what, entered_by)
    return review


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One line of the audit trail: an action on a document, and who answered for it.

    Attributes:
        doc_ref: The document, ``<kind>:<id>`` (e.g. ``list:L1``, ``account:E22…``).
        item: Which of the five reviewed items it is.
        action: What was done (``open_account``, ``void_list``, ``correct`` …).
        maker: The officer who made the entry, or ``system`` for an automatic action.
        reviewers: The two reviewers; empty for an automatic action.
        time_s: When, in seconds on the caller's clock.
        detail: Free text (a reason, a resolution), for the auditor.
    """

    doc_ref: str
    item: ReviewItem
    action: str
    maker: str
    reviewers: tuple[str, ...]
    time_s: float
    detail: str = ""
