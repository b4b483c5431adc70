"""Violation kinds the plan names, and which kind of check is built to find each.

The plan's section 二(五) names the risks the zone must stop besides lost duties:
infringement of intellectual property (知识产权, 二(五)3), harmful printed and audio-visual
matter (印刷品、音像制品, 二(五)4) and smuggling (走私, 二(五)5); undervaluation and
misclassification are the classic revenue risks. Each is found by different means:
documents and accounts show valuation and classification errors, an X-ray image shows
what is hidden, opening the container shows everything. The engine uses the split to
send a deferred selection to the check that can still find what it suspects.
"""

from __future__ import annotations

from enum import StrEnum

from core.risk.errors import RiskError

__all__ = ["FOUND_BY_DOCUMENTS", "FOUND_BY_SCAN", "ViolationKind", "parse_kind"]


class ViolationKind(StrEnum):
    """Kind of violation a declaration may hide."""

    UNDERVALUATION = "undervaluation"  # 低报价格
    MISCLASSIFICATION = "misclassification"  # 归类不实 (商品编码申报不实)
    IPR_INFRINGEMENT = "ipr_infringement"  # 侵犯知识产权
    HARMFUL_PRINTED_MATTER = "harmful_printed_matter"  # 有害印刷品、音像制品
    SMUGGLING = "smuggling"  # 走私: concealed or undeclared goods


# Documents and accounts show what was declared wrongly; images show what was hidden.
FOUND_BY_DOCUMENTS = frozenset({ViolationKind.UNDERVALUATION, ViolationKind.MISCLASSIFICATION})
FOUND_BY_SCAN = frozenset({ViolationKind.SMUGGLING, ViolationKind.HARMFUL_PRINTED_MATTER})


def parse_kind(text: object, where: str, error: type[RiskError] = RiskError) -> ViolationKind:
    """Return the kind named ``text``.

    Args:
        text: A kind's value, e.g. ``ipr_infringement``.
        where: Path named in the error, e.g. ``factors[3].kinds``.
        error: The error class to raise (the caller's own, e.g. ``RiskTableError``).

    Raises:
        RiskError: ``text`` names no kind (as ``error``); the message lists the known ones.
    """
    try:
        return ViolationKind(str(text))
    except ValueError:
        known = [k.value for k in ViolationKind]
        raise error(f"{where}: unknown violation kind {text!r} (known: {known})") from None
