"""Bonded lists (核注清单): the source of every movement.

Write-off state (核扣标志), as in the Golden Customs phase II bonded ledger:
0 not written off → 1 pre-written-off (预核扣: quantities reserved as pending entries)
→ 2 written off (已核扣: pending entries posted) → 3 closed out (结案). A list that goes
with a customs declaration is written off only when the declaration is released AND all
its goods have passed the gate; a deleted list voids its pending entries.

Write-off modes (核扣方式): D debit in the list's direction; F reverse debit (e.g. goods
returned); N no debit; NF no debit but the balance must cover the list; E bonded
warehouse (debit like D, on bonded-logistics account books only — an assumption: the
issue names the mode without its rule).

Kinds of list (清单类型): goods in (进), goods out (出), transfer to another account book
(结转 / 分送集报, in or between zones: a journey, see :mod:`core.ledger.transfers`) and
stocktake adjustment (盘点调整: gain or loss under dual review, no gate). The quantity
that actually passed the gate is written back to the list and is what write-off posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from core.ledger.model import ZERO, MovementKind, PostedBy
from core.ledger.review import DualReview

__all__ = [
    "BondedList",
    "DeclarationDoc",
    "Direction",
    "GatePassBinding",
    "GatePassage",
    "ListKind",
    "ListLine",
    "ListStatus",
    "WriteOffMode",
    "WriteOffState",
    "list_kind",
]


class Direction(StrEnum):
    """Direction of a bonded list (进出口标志)."""

    IMPORT = "I"  # 进
    EXPORT = "E"  # 出


class WriteOffMode(StrEnum):
    """Write-off mode of a bonded list (核扣方式)."""

    D = "D"  # 正向核扣 debit
    F = "F"  # 反向核扣 reverse debit
    N = "N"  # 不核扣 no debit
    NF = "NF"  # 不核扣但校验余量 no debit, check the balance
    E = "E"  # 保税仓库 bonded warehouse


class ListKind(StrEnum):
    """Kind of bonded list (清单类型)."""

    IN = "in"  # 进: goods come onto the book
    OUT = "out"  # 出: goods leave the book
    TRANSFER = "transfer"  # 结转 / 分送集报: to another account book
    ADJUSTMENT = "adjustment"  # 盘点调整: stocktake gain (import) or loss (export)


_TRANSFER = ListKind.TRANSFER


class WriteOffState(IntEnum):
    """Write-off state of a bonded list (核扣标志)."""

    NOT_WRITTEN_OFF = 0  # 未核扣
    PRE_WRITTEN_OFF = 1  # 预核扣
    WRITTEN_OFF = 2  # 已核扣
    CLOSED_OUT = 3  # 已核销 / 结案


@dataclass(frozen=True, slots=True)
class ListLine:
    """One line of a bonded list.

    Attributes:
        item_no: The account line's filing item number (备案序号).
        quantity: Quantity listed, in ``unit``, greater than 0.
        unit: Must equal the account line's filed unit.
        value_cny: Declared value of the line in CNY (basis of a late-declaration fee).
        to_item_no: For a transfer: the receiving book's line.
    """

    item_no: int
    quantity: Decimal
    unit: str
    value_cny: Decimal = ZERO
    to_item_no: int = 0


@dataclass(frozen=True, slots=True)
class BondedList:
    """A bonded list (核注清单) as declared.

    Attributes:
        list_id: The list number.
        account_id: The account book it writes off against.
        direction: Import or export.
        mode: Write-off mode.
        lines: Its lines, one per item number.
        posted_by: Who declared it (the enterprise, or a gate for automatic lists).
        with_declaration: Whether it goes with a customs declaration (报关).
        declaration_id: The declaration; empty until filed (先进区、后报关, 集中申报).
        gate_required: Whether its goods must pass a gate before write-off.
        kind: In, out, transfer or adjustment; ``None`` means in or out by ``direction``.
        to_account_id: For a transfer: the receiving account book.
        review: For an adjustment: the maker and two reviewers (查验异常处理).
    """

    list_id: str
    account_id: str
    direction: Direction
    mode: WriteOffMode
    lines: tuple[ListLine, ...]
    posted_by: PostedBy
    with_declaration: bool = True
    declaration_id: str = ""
    gate_required: bool = True
    kind: ListKind | None = None
    to_account_id: str = ""
    review: DualReview | None = None

    @property
    def list_type(self) -> ListKind:
        """The list's kind, in or out by direction when not given."""
        if self.kind is not None:
            return self.kind
        return ListKind.IN if self.direction is Direction.IMPORT else ListKind.OUT

    @property
    def is_transfer(self) -> bool:
        """Whether the list moves goods to another account book."""
        return self.kind is _TRANSFER


def list_kind(bl: BondedList) -> MovementKind | None:
    """Return the movement a list books per line, or None for modes that book nothing."""
    if bl.mode is WriteOffMode.N or bl.mode is WriteOffMode.NF:
        return None
    inflow = (bl.direction is Direction.IMPORT) != (bl.mode is WriteOffMode.F)
    kind = bl.list_type
    if kind is ListKind.TRANSFER:
        return MovementKind.TRANSFER
    if kind is ListKind.ADJUSTMENT:
        return MovementKind.ADJUSTMENT_GAIN if inflow else MovementKind.ADJUSTMENT_LOSS
    return MovementKind.IN if inflow else MovementKind.OUT


def effective_direction(direction: Direction, mode: WriteOffMode) -> Direction:
    """Return the direction in which the list acts on the balance (F reverses it)."""
    if mode is WriteOffMode.F:
        return Direction.EXPORT if direction is Direction.IMPORT else Direction.IMPORT
    return direction


@dataclass(frozen=True, slots=True)
class ListStatus:
    """Where a bonded list stands; replaced (never mutated) on every change.

    Attributes:
        bonded_list: The list as declared.
        state: Write-off state.
        declaration_id: The declaration, once known.
        released: Whether the declaration is released.
        bound: Quantity bound to gate passes, per list line.
        passed: Quantity that passed the gate, per list line.
        pending_seqs: Seq of each line's pending entry (0 when none).
        voided: Whether the list was deleted.
        last_passed_s: Time of the latest gate passage, −1 before any.
        held: Why the goods are held (e.g. ``documents_mismatch``); empty when free.
        last_truck_passed: The pass flagged as the list's last truck has passed.
        passes: Gate passes bound to the list, in binding order.
        declared_s: When the list was declared, seconds.
    """

    bonded_list: BondedList
    state: WriteOffState = WriteOffState.NOT_WRITTEN_OFF
    declaration_id: str = ""
    released: bool = False
    bound: tuple[Decimal, ...] = ()
    passed: tuple[Decimal, ...] = ()
    pending_seqs: tuple[int, ...] = ()
    voided: bool = False
    last_passed_s: float = -1.0
    held: tuple[str, ...] = ()
    last_truck_passed: bool = False
    passes: tuple[str, ...] = ()
    declared_s: float = 0.0

    @classmethod
    def new(cls, bl: BondedList, released: bool, now: float = 0.0) -> ListStatus:
        """Return the status of a freshly declared list."""
        zeros = tuple(ZERO for _ in bl.lines)
        return cls(
            bl,
            declaration_id=bl.declaration_id,
            released=released,
            bound=zeros,
            passed=zeros,
            pending_seqs=tuple(0 for _ in bl.lines),
            declared_s=now,
        )

    def index(self, item_no: int) -> int:
        """Return the list line index of ``item_no``, or −1."""
        for i, ln in enumerate(self.bonded_list.lines):
            if ln.item_no == item_no:
                return i
        return -1

    @property
    def fully_passed(self) -> bool:
        """Whether all goods passed: every listed quantity, or the last truck, or no gate."""
        if not self.bonded_list.gate_required or self.last_truck_passed:
            return True
        return all(
            p >= ln.quantity for p, ln in zip(self.passed, self.bonded_list.lines, strict=True)
        )

    @property
    def ready_to_write_off(self) -> bool:
        """Release-and-full-gate-passage rule for a pre-written-off list that is not held."""
        if self.state is not WriteOffState.PRE_WRITTEN_OFF or self.voided or self.held:
            return False
        declared = not self.bonded_list.with_declaration or (
            bool(self.declaration_id) and self.released
        )
        return declared and self.fully_passed


@dataclass(frozen=True, slots=True)
class GatePassBinding:
    """A gate pass (核放单) bound to a bonded list by the older binding API.

    Binding the same pass to a second list extends it (一车多单, 1:N). A pass bound
    this way has no plate: an officer can annotate its passage, no gate can reserve it.
    New code registers a :class:`core.ledger.passes.GatePassFiling` instead.

    Attributes:
        pass_id: The gate pass number.
        list_id: The bonded list.
        lines: (item_no, quantity) carried by this pass.
    """

    pass_id: str
    list_id: str
    lines: tuple[tuple[int, Decimal], ...]


@dataclass(frozen=True, slots=True)
class GatePassage:
    """A gate passage annotated in one step (an officer at a manual post, 人工核放).

    Attributes:
        pass_id: The gate pass that passed; a pass counts once, whatever the retries.
        gate_id: The gate, e.g. ``yangshan_port/gate_2L``.
    """

    pass_id: str
    gate_id: str


@dataclass(frozen=True, slots=True)
class DeclarationDoc:
    """A customs declaration (报关单) and the lists that go with it."""

    declaration_id: str
    list_ids: tuple[str, ...] = ()
    released: bool = False
