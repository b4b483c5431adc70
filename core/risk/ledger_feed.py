"""Ledger findings as risk factors: the risk engine's consumer of the ledger's outbox.

The bonded ledger finds things the declarations never show: a work order that used more
material than its filed unit consumption (单耗偏离), a declaration filed after its
deadline, a transfer that never arrived, three documents that disagree. Each such event
is evidence against the enterprise: the feed folds it into the enterprise factor of
the risk table as a weighted violation observation (the same closed loop as an
inspection result), so the enterprise's next declarations score higher. Events come
with their outbox sequence number; one already applied is dropped (at-least-once
delivery, applied once). The feed also maps a ledger declaration to the engine's
:class:`core.risk.Declaration`, so any declared field can serve as a factor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from core.ledger.declarations import CustomsDeclaration
from core.ledger.outbox_item import OutboxItem
from core.risk.engine import RiskEngine
from core.risk.model import Declaration, GoodsLine, Procedure

__all__ = ["DEFAULT_WEIGHTS", "LedgerRiskFeed", "declaration_attributes", "to_risk_declaration"]

# Weight of one finding, in inspection results that found a violation. Drift is scaled
# by its size (a 50 % drift weighs half a finding, capped at 1).
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "ConsumptionDrifted": 1.0,
        "DeclarationOverdue": 1.0,
        "TransferTimedOut": 1.0,
        "DocumentsMismatched": 1.0,
    }
)


class LedgerRiskFeed:
    """Applies ledger events to a risk engine, each at most once."""

    def __init__(self, weights: Mapping[str, float] | None = None, last_seq: int = 0) -> None:
        """Weigh findings by ``weights`` (event name → weight), starting after ``last_seq``."""
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.last_seq = last_seq
        self.applied: Counter[str] = Counter()
        self.duplicates = 0

    def apply(self, engine: RiskEngine, item: OutboxItem, now: float) -> bool:
        """Fold one outbox event into ``engine``; return whether it changed anything.

        Args:
            engine: The risk engine whose table learns.
            item: The event with its outbox seq; at or below the last applied: dropped.
            now: Time of the evidence, seconds.
        """
        if item.seq <= self.last_seq:
            self.duplicates += 1
            return False
        self.last_seq = item.seq
        name = type(item.event).__name__
        weight = self.weights.get(name, 0.0)
        enterprise = str(getattr(item.event, "enterprise_id", ""))
        if weight <= 0.0 or not enterprise:
            return False
        drift = getattr(item.event, "drift_ratio", None)
        if isinstance(drift, Decimal):
            weight *= min(1.0, float(abs(drift))) if drift.is_finite() else 1.0
        engine.scorer.learn((), (("enterprise", enterprise),), True, weight, now)
        self.applied[name] += 1
        return True


def declaration_attributes(d: CustomsDeclaration) -> list[dict[str, str]]:
    """Every field of every line, header fields included, as attribute → value.

    This is what a risk table can target beyond the engine's own attributes: trade
    mode (监管方式), levy mode (征免方式), currency, units, unit price …
    """
    out = []
    for ln in d.lines:
        out.append(
            {
                "enterprise": d.enterprise_id,
                "trade_mode": d.trade_mode,
                "hs_code": ln.hs_code,
                "hs_chapter": ln.hs_code[:2],
                "hs_heading": ln.hs_code[:4],
                "goods_name": ln.goods_name,
                "spec": ln.spec,
                "declared_unit": ln.declared_unit,
                "legal_unit": ln.legal_unit,
                "unit_price": str(ln.unit_price),
                "currency": ln.currency,
                "origin": ln.origin,
                "levy_mode": ln.levy_mode,
            }
        )
    return out


def to_risk_declaration(
    d: CustomsDeclaration,
    procedure: Procedure,
    zone: str,
    cny_per_unit: Mapping[str, Decimal],
    route: str = "",
) -> Declaration:
    """Map a ledger declaration to the engine's :class:`Declaration`.

    Args:
        d: The declaration.
        procedure: Its customs procedure (first line, second line, transfer …).
        zone: The zone id.
        cny_per_unit: Exchange rate per currency (``{"USD": Decimal("7.1")}``); CNY is 1.
        route: Transport route, if any.

    Raises:
        KeyError: A line's currency has no rate.
    """
    rates = {"CNY": Decimal(1), **cny_per_unit}
    lines = tuple(
        GoodsLine(
            ln.hs_code,
            ln.origin,
            float(ln.value * rates[ln.currency]),
            float(ln.legal_qty) if ln.legal_unit in ("KGM", "kg") else 0.0,
        )
        for ln in d.lines
    )
    return Declaration(d.declaration_id, d.enterprise_id, procedure, zone, lines, route)
