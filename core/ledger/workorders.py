"""Work-order write-off (工单核销): ERP work orders write off materials.

Instead of declaring unit consumption (单耗) per shipment, a processing enterprise's daily
ERP work orders say what was consumed and what was made; the ledger books both. The
actual consumption is compared with the filed unit consumption, and a drift beyond the
tolerance becomes a :class:`ConsumptionDrifted` event for the risk engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.ledger.books import Books
from core.ledger.errors import IdempotencyConflict, ReferenceConflict
from core.ledger.events import ConsumptionDrifted
from core.ledger.model import ZERO, Movement, MovementKind, PostedBy, check_quantity
from core.ledger.posting import PostResult, PostStatus, apply_movement

__all__ = [
    "BomLine",
    "FiledConsumption",
    "WorkOrder",
    "expected_consumption",
    "file_consumption",
    "write_off_work_order",
]

BOM = "filed_consumption"


@dataclass(frozen=True, slots=True)
class BomLine:
    """Filed unit consumption (单耗) of one material per unit of product.

    Attributes:
        material_item_no: The material's line.
        net_qty: Net consumption (净耗) per unit of product, in the material's unit.
        loss_rate: Process loss rate (损耗率) in [0, 1).
    """

    material_item_no: int
    net_qty: Decimal
    loss_rate: Decimal = ZERO

    @property
    def gross_qty(self) -> Decimal:
        """Unit consumption including loss: net / (1 − loss rate)."""
        return self.net_qty / (1 - self.loss_rate)


@dataclass(frozen=True, slots=True)
class FiledConsumption:
    """The filed unit consumption of one finished product (成品)."""

    account_id: str
    product_item_no: int
    materials: tuple[BomLine, ...]


@dataclass(frozen=True, slots=True)
class WorkOrder:
    """A daily ERP work order: materials consumed → products made.

    Attributes:
        order_id: The ERP work order number; also the idempotency key.
        account_id: The processing E-account (加工贸易 E 账册).
        product_item_no: The finished product's line.
        produced_qty: Quantity made, in the product line's unit.
        consumed: (material item_no, quantity consumed) in the materials' units.
        posted_by: The ERP interface that reported it.
    """

    order_id: str
    account_id: str
    product_item_no: int
    produced_qty: Decimal
    consumed: tuple[tuple[int, Decimal], ...]
    posted_by: PostedBy


def expected_consumption(filed: FiledConsumption, produced_qty: Decimal) -> dict[int, Decimal]:
    """Return the filed consumption of each material for ``produced_qty`` of product."""
    return {m.material_item_no: m.gross_qty * produced_qty for m in filed.materials}


def file_consumption(books: Books, filed: FiledConsumption) -> PostResult:
    """File (备案) a product's unit consumption; the same filing again is a duplicate.

    Raises:
        UnknownAccount, UnknownLine: the product or a material is not filed.
        BadQuantity: a net consumption is not greater than 0.
        ReferenceConflict: a different filing exists for the product.
    """
    doc_id = f"{filed.account_id}#{filed.product_item_no}"
    old = books.doc(BOM, doc_id, FiledConsumption)
    if old is not None:
        if old != filed:
            raise ReferenceConflict("filed consumption", doc_id)
        return PostResult(PostStatus.DUPLICATE, ())
    books.line(filed.account_id, filed.product_item_no)
    for m in filed.materials:
        books.line(filed.account_id, m.material_item_no)
        check_quantity(m.net_qty, f"filed consumption {doc_id} material {m.material_item_no}")
        if not ZERO <= m.loss_rate < 1:
            raise ReferenceConflict("loss_rate", f"{m.loss_rate} of {doc_id}")
    books.put_doc(BOM, doc_id, filed)
    return PostResult(PostStatus.APPLIED, ())


def _movements(wo: WorkOrder, units: dict[int, str]) -> list[Movement]:
    out = [
        Movement(
            f"wo/{wo.order_id}/m{item}",
            wo.account_id,
            item,
            MovementKind.CONSUMPTION,
            q,
            units[item],
            wo.posted_by,
            wo.order_id,
        )
        for item, q in wo.consumed
    ]
    out.append(
        Movement(
            f"wo/{wo.order_id}/p",
            wo.account_id,
            wo.product_item_no,
            MovementKind.PRODUCTION,
            wo.produced_qty,
            units[wo.product_item_no],
            wo.posted_by,
            wo.order_id,
        )
    )
    return out


def write_off_work_order(books: Books, wo: WorkOrder, tolerance: Decimal) -> PostResult:
    """Book a work order's consumption and production, and flag drift from the filing.

    Args:
        books: The unit of work.
        wo: The work order.
        tolerance: Allowed |actual − expected| / expected before a drift event.

    Raises:
        UnknownAccount, UnknownLine, BadQuantity: bad work order.
        Overdraw: a material's consumption exceeds its available balance.
        IdempotencyConflict: the order id was used for a different work order.
    """
    if len({i for i, _ in wo.consumed}) != len(wo.consumed):
        raise IdempotencyConflict(wo.order_id, "work order (repeated material)")
    units = {i: books.line(wo.account_id, i).unit for i, _ in wo.consumed}
    units[wo.product_item_no] = books.line(wo.account_id, wo.product_item_no).unit
    results = [apply_movement(books, m) for m in _movements(wo, units)]
    statuses = {r.status for r in results}
    if statuses == {PostStatus.DUPLICATE}:
        return PostResult(PostStatus.DUPLICATE, tuple(e for r in results for e in r.entries))
    if len(statuses) > 1:
        raise IdempotencyConflict(wo.order_id, "work order (other materials)")
    filed = books.doc(BOM, f"{wo.account_id}#{wo.product_item_no}", FiledConsumption)
    if filed is not None:
        expected = expected_consumption(filed, wo.produced_qty)
        actual = dict(wo.consumed)
        for item, exp in expected.items():
            act = actual.get(item, ZERO)
            drift = (act - exp) / exp
            if abs(drift) > tolerance:
                books.emit(
                    ConsumptionDrifted(
                        wo.account_id,
                        wo.order_id,
                        wo.product_item_no,
                        item,
                        exp,
                        act,
                        drift,
                        books.now,
                    )
                )
    return PostResult(PostStatus.APPLIED, tuple(e for r in results for e in r.entries))
