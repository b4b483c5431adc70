"""Work-order write-off (工单核销): ERP work orders consume materials by filed versions.

A processing enterprise files its products' unit consumption (单耗) in versions, each in
force from a time on. Its daily ERP work orders say what was made, and what was used,
by filed item numbers or by its own part numbers (resolved through the merge relations,
归并关系). Write-off books the production and consumes every material through the
version in force (or the one the order names): gross consumption = net / (1 − loss
rate) × quantity made. What the order reports it used is compared with that, and a
drift beyond the tolerance becomes a :class:`ConsumptionDrifted` event for the risk
engine. Products must be on the finished-product table, materials on the material
table of a processing book.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.ledger.books import Books
from core.ledger.errors import BadFiling, IdempotencyConflict, ReferenceConflict, UnknownDocument
from core.ledger.events import ConsumptionDrifted
from core.ledger.filings import resolve_part
from core.ledger.model import ZERO, LineTable, Movement, MovementKind, PostedBy, check_quantity
from core.ledger.posting import PostResult, PostStatus, apply_movement
from core.ledger.review import DualReview, ReviewItem, require_review

__all__ = [
    "BomLine",
    "FiledConsumption",
    "WorkOrder",
    "expected_consumption",
    "file_consumption",
    "version_in_force",
    "write_off_work_order",
]

BOM, VERSIONS = "filed_consumption", "consumption_versions"
_QTY = Decimal("0.000001")  # consumption is booked to a millionth of the filed unit


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
    """One filed version of a finished product's unit consumption (单耗版本).

    Attributes:
        account_id: The processing book.
        product_item_no: The product's line on the finished-product table.
        materials: Unit consumption per material.
        version: The version number (单耗版本号).
        valid_from_s: From when the version is in force, seconds.
    """

    account_id: str
    product_item_no: int
    materials: tuple[BomLine, ...]
    version: str = "1"
    valid_from_s: float = 0.0


@dataclass(frozen=True, slots=True)
class WorkOrder:
    """A daily ERP work order: products made, materials used.

    Attributes:
        order_id: The ERP work order number; also the idempotency key.
        account_id: The processing book (加工贸易 E 账册).
        product_item_no: The product's filed line (or 0 with ``product_part_no``).
        produced_qty: Quantity made, in the product's filed (or part) unit.
        consumed: Reported use: (material item_no, quantity) in filed units.
        posted_by: The ERP interface that reported it.
        product_part_no: The product's enterprise part number, resolved by merge relation.
        parts: Reported use by enterprise part numbers, in the parts' units.
        version: The unit-consumption version to use; ``""`` for the one in force.
    """

    order_id: str
    account_id: str
    product_item_no: int
    produced_qty: Decimal
    consumed: tuple[tuple[int, Decimal], ...]
    posted_by: PostedBy
    product_part_no: str = ""
    parts: tuple[tuple[str, Decimal], ...] = ()
    version: str = ""


def expected_consumption(filed: FiledConsumption, produced_qty: Decimal) -> dict[int, Decimal]:
    """Return each material's consumption for ``produced_qty`` of product by ``filed``."""
    return {
        m.material_item_no: (m.gross_qty * produced_qty).quantize(_QTY, ROUND_HALF_UP)
        for m in filed.materials
    }


def _table(books: Books, account_id: str, item_no: int, want: LineTable, what: str) -> str:
    line = books.line(account_id, item_no)
    if line.table is not want:
        raise BadFiling(f"{what} {account_id}#{item_no}", "table", line.table.value)
    return line.unit


def file_consumption(books: Books, filed: FiledConsumption, review: DualReview) -> PostResult:
    """File one version of a product's unit consumption (单耗备案, 双人复核).

    Raises:
        DualReviewRequired: Not a maker and two other, distinct reviewers.
        UnknownAccount, UnknownLine: The product or a material is not filed.
        BadFiling: Product not a finished product or a material not a material.
        BadQuantity: A net consumption is not greater than 0.
        ReferenceConflict: This version exists with other content, or a loss rate
            outside [0, 1).
    """
    doc_id = f"{filed.account_id}#{filed.product_item_no}"
    old = books.doc(BOM, f"{doc_id}#{filed.version}", FiledConsumption)
    if old is not None:
        if old != filed:
            raise ReferenceConflict("filed consumption", f"{doc_id} version {filed.version}")
        return PostResult(PostStatus.DUPLICATE, ())
    require_review(review, f"filing unit consumption {doc_id} version {filed.version}")
    _table(books, filed.account_id, filed.product_item_no, LineTable.FINISHED, "product")
    for m in filed.materials:
        _table(books, filed.account_id, m.material_item_no, LineTable.MATERIAL, "material")
        check_quantity(m.net_qty, f"filed consumption {doc_id} material {m.material_item_no}")
        if not ZERO <= m.loss_rate < 1:
            raise ReferenceConflict("loss_rate", f"{m.loss_rate} of {doc_id}")
    versions = books.doc(VERSIONS, doc_id, tuple) or ()
    books.put_doc(BOM, f"{doc_id}#{filed.version}", filed)
    books.put_doc(VERSIONS, doc_id, tuple(sorted((*versions, (filed.valid_from_s, filed.version)))))
    books.audit(
        f"{BOM}:{doc_id}#{filed.version}", ReviewItem.ACCOUNT_FILING, "file_consumption", review
    )
    return PostResult(PostStatus.APPLIED, ())


def version_in_force(
    books: Books, account_id: str, product_item_no: int, at_s: float, version: str = ""
) -> FiledConsumption:
    """Return the named version, or the latest in force at ``at_s``.

    Raises:
        UnknownDocument: No such version, or none in force yet.
    """
    doc_id = f"{account_id}#{product_item_no}"
    if not version:
        versions = books.doc(VERSIONS, doc_id, tuple) or ()
        live = [v for t, v in versions if t <= at_s]
        if not live:
            raise UnknownDocument("filed consumption in force", f"{doc_id} at {at_s}")
        version = live[-1]
    return books.need_doc(BOM, f"{doc_id}#{version}", FiledConsumption)


def _resolve(books: Books, wo: WorkOrder) -> tuple[int, Decimal, dict[int, Decimal]]:
    """Return (product item, quantity made, reported use per material) in filed units."""
    item, made = wo.product_item_no, wo.produced_qty
    if wo.product_part_no:
        rel = resolve_part(books, wo.account_id, wo.product_part_no)
        item, made = rel.item_no, made * rel.factor
    used: dict[int, Decimal] = {}
    for i, q in wo.consumed:
        used[i] = used.get(i, ZERO) + check_quantity(q, f"work order {wo.order_id!r} item {i}")
    for part, q in wo.parts:
        rel = resolve_part(books, wo.account_id, part)
        q = check_quantity(q, f"work order {wo.order_id!r} part {part!r}")
        used[rel.item_no] = used.get(rel.item_no, ZERO) + q * rel.factor
    return item, check_quantity(made, f"work order {wo.order_id!r}", "produced_qty"), used


def write_off_work_order(books: Books, wo: WorkOrder, tolerance: Decimal) -> PostResult:
    """Book a work order's production and its consumption by the filed version.

    Raises:
        UnknownAccount, UnknownLine, BadQuantity: a bad work order.
        UnknownDocument: no version in force, or a part number with no merge relation.
        BadFiling: product or material on the wrong table.
        Overdraw: a material's consumption exceeds its available balance.
        IdempotencyConflict: the order id was used for a different work order.
    """
    item, made, used = _resolve(books, wo)
    filed = version_in_force(books, wo.account_id, item, books.now, wo.version)
    expected = expected_consumption(filed, made)
    units = {i: _table(books, wo.account_id, i, LineTable.MATERIAL, "material") for i in expected}
    p_unit = _table(books, wo.account_id, item, LineTable.FINISHED, "product")
    moves = [
        Movement(
            f"wo/{wo.order_id}/m{i}",
            wo.account_id,
            i,
            MovementKind.CONSUMPTION,
            q,
            units[i],
            wo.posted_by,
            wo.order_id,
        )
        for i, q in sorted(expected.items())
        if q > 0
    ]
    moves.append(
        Movement(
            f"wo/{wo.order_id}/p",
            wo.account_id,
            item,
            MovementKind.PRODUCTION,
            made,
            p_unit,
            wo.posted_by,
            wo.order_id,
        )
    )
    results = [apply_movement(books, m) for m in moves]
    entries = tuple(e for r in results for e in r.entries)
    statuses = {r.status for r in results}
    if statuses == {PostStatus.DUPLICATE}:
        return PostResult(PostStatus.DUPLICATE, entries)
    if len(statuses) > 1:
        raise IdempotencyConflict(wo.order_id, "work order (other materials)")
    ent = books.account(wo.account_id).enterprise_id
    for i in sorted(set(expected) | set(used)):
        exp, act = expected.get(i, ZERO), used.get(i)
        if act is None:
            continue  # the order reports nothing for this material: nothing to compare
        drift = (act - exp) / exp if exp else Decimal("Infinity")
        if abs(drift) > tolerance:
            books.emit(
                ConsumptionDrifted(
                    wo.account_id,
                    wo.order_id,
                    item,
                    i,
                    exp,
                    act,
                    drift,
                    books.now,
                    ent,
                    filed.version,
                )
            )
    return PostResult(PostStatus.APPLIED, entries)
