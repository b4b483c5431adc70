"""Account books, lines, movements, entries and balances of the ledger (账册).

Quantities are :class:`decimal.Decimal` in the unit the line is filed in: a ledger must
never lose or invent a fraction through binary floating point, so floats are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.ledger.errors import BadQuantity
from core.ledger.review import DualReview, require_review

__all__ = [
    "ZERO",
    "Account",
    "AccountKind",
    "DualReview",
    "Entry",
    "EntryStatus",
    "Line",
    "LineBalance",
    "LineTable",
    "Movement",
    "MovementKind",
    "PostedBy",
    "PosterKind",
    "check_quantity",
    "require_review",
]

ZERO = Decimal(0)


class AccountKind(StrEnum):
    """Kinds of account book (多种账册管理模式)."""

    PROCESSING_E = "processing_e"  # 加工贸易 E 账册 (bonded processing)
    BONDED_LOGISTICS = "bonded_logistics"  # 保税物流账册 (incl. bonded warehouses)
    BONDED_SERVICES = "bonded_services"  # 保税服务账册 (repair, exhibition …)


class LineTable(StrEnum):
    """Which table of an account book a line belongs to.

    A processing book (加工贸易 E 账册) keeps a material table (料件表) and a
    finished-product table (成品表); a bonded-logistics book keeps goods by item (商品);
    a bonded-services book keeps the goods under service (repair, exhibition …).
    """

    MATERIAL = "material"  # 料件
    FINISHED = "finished"  # 成品
    GOODS = "goods"  # 保税物流商品
    SERVICE = "service"  # 保税服务 (维修、展示) 货物


TABLES_OF = {
    AccountKind.PROCESSING_E: frozenset({LineTable.MATERIAL, LineTable.FINISHED}),
    AccountKind.BONDED_LOGISTICS: frozenset({LineTable.GOODS}),
    AccountKind.BONDED_SERVICES: frozenset({LineTable.SERVICE}),
}


class MovementKind(StrEnum):
    """What a movement does to a line (进、出、耗(转)、存)."""

    IN = "in"  # 进
    OUT = "out"  # 出
    CONSUMPTION = "consumption"  # 耗: materials used by a work order
    PRODUCTION = "production"  # 成品产出: finished goods made by a work order
    TRANSFER = "transfer"  # 转: to another line, within a zone or between zones (分送集报)
    ADJUSTMENT_GAIN = "adjustment_gain"  # 盘盈: stock adjustment up, after dual review
    ADJUSTMENT_LOSS = "adjustment_loss"  # 盘亏: stock adjustment down, after dual review


OUTFLOWS = frozenset(
    {
        MovementKind.OUT,
        MovementKind.CONSUMPTION,
        MovementKind.TRANSFER,
        MovementKind.ADJUSTMENT_LOSS,
    }
)
ADJUSTMENTS = frozenset({MovementKind.ADJUSTMENT_GAIN, MovementKind.ADJUSTMENT_LOSS})


class PosterKind(StrEnum):
    """Who or what posted an entry (audit trail)."""

    GATE = "gate"  # 卡口: automatic annotation at a gate passage
    WORK_ORDER = "work_order"  # 工单: ERP work order
    OFFICER = "officer"  # 关员: a customs officer
    ENTERPRISE = "enterprise"  # the enterprise's ERP/WMS
    SYSTEM = "system"  # the ledger itself, e.g. a list written off on release


class EntryStatus(StrEnum):
    """Status of an entry, after TigerBeetle's two-phase transfers."""

    PENDING = "pending"  # reserved by pre-write-off (预核扣)
    POSTED = "posted"  # moves the balance
    VOIDED = "voided"  # releases a pending reservation without moving the balance


@dataclass(frozen=True, slots=True)
class PostedBy:
    """What posted an entry: a gate, a work order, an officer.

    Attributes:
        kind: The kind of poster.
        ref: Its id, e.g. ``yangshan_port/gate_2L_01`` or an officer number.
    """

    kind: PosterKind
    ref: str


def check_quantity(value: object, where: str, field: str = "quantity") -> Decimal:
    """Return ``value`` as a Decimal if it is an exact, finite number greater than 0.

    Raises:
        BadQuantity: ``value`` is a float, bool, not finite, zero or negative.
    """
    if isinstance(value, Decimal):
        if value.is_finite() and value > 0:
            return value
    elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return Decimal(value)
    raise BadQuantity(where, field, value)


@dataclass(frozen=True, slots=True)
class Account:
    """One account book (账册) of one enterprise.

    Attributes:
        account_id: The account number, e.g. ``E2201000001``.
        enterprise_id: The enterprise's customs code.
        kind: Processing E-account, bonded logistics or bonded services.
        zone: The zone id the account is kept in, e.g. ``yangshan_port``.
        overdraw_allowed: Whether lines may go below zero (TigerBeetle's account flag,
            inverted); False for every real account book.
    """

    account_id: str
    enterprise_id: str
    kind: AccountKind
    zone: str = ""
    overdraw_allowed: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    """One line of an account, keyed by its filing item number (备案序号).

    Attributes:
        account_id: The account the line belongs to.
        item_no: The filing item number (备案序号).
        part_no: The enterprise's part number (料号).
        hs_code: The commodity code (商品编码), digits only; filed lines carry the
            10-digit code, older filings a shorter prefix.
        unit: The filed unit, e.g. ``KGM`` or ``PCE``; every quantity must be in it.
        table: Material, finished product, logistics goods or service goods; must fit
            the account's kind (see :data:`TABLES_OF`).
        name: The goods name and specification as filed (商品名称、规格型号).
    """

    account_id: str
    item_no: int
    part_no: str
    hs_code: str
    unit: str
    table: LineTable = LineTable.GOODS
    name: str = ""


@dataclass(frozen=True, slots=True)
class Movement:
    """A command to move goods on a line; applied at most once per ``key``.

    Attributes:
        key: Client-generated idempotency key; resubmitting it changes nothing.
        account_id: The account of the line.
        item_no: The filing item number (备案序号) of the line.
        kind: In, out, consumption, production, transfer or adjustment.
        quantity: How much, in ``unit``; always greater than 0.
        unit: The unit of ``quantity``; must equal the line's filed unit.
        posted_by: What posts it (gate, work order, officer …).
        source_doc: The document it comes from (bonded list, work order, stocktake).
        to_account_id: For a transfer, the receiving account.
        to_item_no: For a transfer, the receiving line.
        review: The two approvers, required for adjustments.
    """

    key: str
    account_id: str
    item_no: int
    kind: MovementKind
    quantity: Decimal
    unit: str
    posted_by: PostedBy
    source_doc: str = ""
    to_account_id: str = ""
    to_item_no: int = 0
    review: DualReview | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """An immutable, append-only ledger entry: one movement on one line.

    Attributes:
        seq: Position in the ledger, from 1, without gaps.
        key: The idempotency key of the movement (or document step) that made it.
        leg: 0 for the line named by the movement, 1 for a transfer's receiving line.
        account_id: The account of the line.
        item_no: The filing item number of the line.
        kind: The movement kind this entry books.
        status: Pending, posted or voided.
        quantity: The quantity, always greater than 0.
        delta: The signed change of the line's balance (0 unless posted).
        unit: The unit of ``quantity``.
        posted_by: What posted it.
        source_doc: The document it comes from.
        time_s: When it was posted, in seconds on the caller's clock.
        refers_to: For a post/void of a pending entry or a reversal: the seq it refers to.
        reviewers: The approvers, for adjustments and corrections.
    """

    seq: int
    key: str
    leg: int
    account_id: str
    item_no: int
    kind: MovementKind
    status: EntryStatus
    quantity: Decimal
    delta: Decimal
    unit: str
    posted_by: PostedBy
    source_doc: str
    time_s: float
    refers_to: int = 0
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LineBalance:
    """Running totals of one line; ``balance`` is the figure customs trusts.

    Attributes:
        account_id: The account of the line.
        item_no: The filing item number of the line.
        in_qty: Total in (进).
        out_qty: Total out (出).
        consumed_qty: Total consumed by work orders (耗).
        produced_qty: Total produced by work orders.
        transfer_in_qty: Total transferred in (转入).
        transfer_out_qty: Total transferred out (转出).
        adjusted_qty: Net stock adjustment (盘盈 − 盘亏).
        reserved_qty: Outflow reserved by pre-write-off (预核扣), not yet posted.
    """

    account_id: str
    item_no: int
    in_qty: Decimal = ZERO
    out_qty: Decimal = ZERO
    consumed_qty: Decimal = ZERO
    produced_qty: Decimal = ZERO
    transfer_in_qty: Decimal = ZERO
    transfer_out_qty: Decimal = ZERO
    adjusted_qty: Decimal = ZERO
    reserved_qty: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        """Stock on the line: in − out − consumed + produced ± transfers ± adjustments."""
        return (
            self.in_qty
            - self.out_qty
            - self.consumed_qty
            + self.produced_qty
            + self.transfer_in_qty
            - self.transfer_out_qty
            + self.adjusted_qty
        )

    @property
    def available(self) -> Decimal:
        """Balance less what pre-write-off has reserved: what an outflow may take."""
        return self.balance - self.reserved_qty
