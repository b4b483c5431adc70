"""Gate passes (核放单) as Golden Customs II keeps them: one central state per pass.

A pass is registered as the customs system sends it (declared, 已申报), approved
(已审批), and consumed by the trucks' passages: approved → passed (已过卡), or, for a
pass with two gates on its route (a transfer between zones, a double gate), approved →
passed first gate (已过一卡) → passed; customs may void (作废) a pass not yet used.

Bindings, counted from the pass (一车一票 / 一车多票 / 一票多车): a pass carries items of
one bonded list (1:1), of several lists (1:N, one truck many lists), or one list is
spread over several passes (N:1, one list many trucks), the final one flagged as the
list's last truck (最后一车).

Each passage consumes a pass in two phases, after TigerBeetle's pending transfers: the
gate first *reserves* the pass for one passage (durably pending), opens the barrier,
and then *posts* the reservation once the barrier command is confirmed, or *voids* it
(the truck went to a manual post, the command timed out). A pass leg is consumed at
most once, whatever the lanes, gates, restarts or retries; every refusal says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

__all__ = [
    "GatePassFiling",
    "PassBindingKind",
    "PassItem",
    "PassState",
    "PassStatus",
    "PassUse",
    "Refusal",
    "RefusalReason",
    "Reservation",
    "ReservationStatus",
    "gate_zone",
]


class PassState(IntEnum):
    """Central state of a gate pass (values as ``core.gate.GatePassState``)."""

    DECLARED = 0  # 已申报
    APPROVED = 1  # 已审批
    PASSED = 2  # 已过卡
    PASSED_FIRST_GATE = 3  # 已过一卡
    VOIDED = 6  # 已作废


class PassBindingKind(StrEnum):
    """How trucks and bonded lists are bound, counted from the pass."""

    ONE_TRUCK_ONE_LIST = "1:1"  # 一车一票
    ONE_TRUCK_MANY_LISTS = "1:N"  # 一车多票 / 一车多单
    ONE_LIST_MANY_TRUCKS = "N:1"  # 一票多车


@dataclass(frozen=True, slots=True)
class PassItem:
    """Goods of one bonded-list line carried on the pass.

    Attributes:
        list_id: The bonded list (核注清单).
        item_no: The account line's filing item number (备案序号) on that list.
        quantity: Quantity carried, in the line's filed unit; greater than 0.
    """

    list_id: str
    item_no: int
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class GatePassFiling:
    """A gate pass as the customs system sends it to the ledger.

    Attributes:
        pass_id: The gate pass number (核放单号).
        plate: The licence plate of the truck it is issued for; another plate is
            refused. Empty only on passes bound by the older binding API, which can
            then be annotated by an officer but never reserved by a gate.
        items: The list lines and quantities the truck carries.
        last_truck: The final truck of its lists (一票多车的最后一车): when it has passed,
            the lists count as fully passed with what actually passed.
        route: Zone of each gate on the way, in order: ``()`` or one zone is a single
            gate, two zones a transfer or double gate (approved → passed first gate →
            passed). A gate in another zone than its leg's is refused.
    """

    pass_id: str
    plate: str
    items: tuple[PassItem, ...]
    last_truck: bool = False
    route: tuple[str, ...] = ()

    @property
    def legs(self) -> int:
        """Gates the pass must pass: 1, or 2 for a two-gate route."""
        return max(1, len(self.route))

    @property
    def list_ids(self) -> tuple[str, ...]:
        """The lists carried, in first-seen order."""
        items = self.items
        if len(items) == 1:  # the common case, on every passage
            return (items[0].list_id,)
        return tuple(dict.fromkeys(i.list_id for i in items))


@dataclass(frozen=True, slots=True)
class PassStatus:
    """Where a gate pass stands; replaced (never mutated) on every change.

    Attributes:
        filing: The pass as registered.
        state: Its central state.
        legs_passed: Passages posted so far (0, 1 or 2).
        pending: Passage id of the pending reservation, ``""`` when none.
        gates: Gate refs of the posted passages, in order.
        registered_s: When it was registered, seconds.
    """

    filing: GatePassFiling
    state: PassState = PassState.DECLARED
    legs_passed: int = 0
    pending: str = ""
    gates: tuple[str, ...] = ()
    registered_s: float = 0.0


class ReservationStatus(StrEnum):
    """Phase of one passage's reservation of a pass."""

    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"


@dataclass(frozen=True, slots=True)
class Reservation:
    """A pass reserved for one passage; durable when the ledger returns it.

    Attributes:
        passage_id: The passage (one truck in one lane once), the reservation's id.
        pass_id: The gate pass.
        plate: The plate read at the gate.
        gate_ref: The gate, ``<zone>/<gate>``.
        leg: Which gate of the pass's route this is (1 or 2).
        reserved_s: When it was reserved, seconds.
        status: Pending, posted or voided.
        settled_s: When it was posted or voided, −1 while pending.
        reason: Why it was voided (``manual_post``, ``timeout`` …).
    """

    passage_id: str
    pass_id: str
    plate: str
    gate_ref: str
    leg: int
    reserved_s: float
    status: ReservationStatus = ReservationStatus.PENDING
    settled_s: float = -1.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PassUse:
    """One consumed leg of a pass, kept append-only; the store refuses a second one.

    Attributes:
        pass_id: The gate pass.
        leg: The leg consumed (1 or 2); (pass_id, leg) is unique in the store.
        passage_id: The passage that consumed it; unique in the store.
        gate_ref: The gate.
        plate: The plate read.
        time_s: When the reservation was posted, seconds.
    """

    pass_id: str
    leg: int
    passage_id: str
    gate_ref: str
    plate: str
    time_s: float


class RefusalReason(StrEnum):
    """Why the ledger refused to reserve, post or void: the gate stays closed."""

    EMPTY_PASS_ID = "empty_pass_id"
    EMPTY_PASSAGE_ID = "empty_passage_id"
    EMPTY_GATE_REF = "empty_gate_ref"
    UNKNOWN_PASS = "unknown_pass"
    NOT_APPROVED = "pass_not_approved"
    ALREADY_USED = "pass_already_used"
    PASS_VOIDED = "pass_voided"
    RESERVED_ELSEWHERE = "pass_reserved_elsewhere"
    PLATE_MISMATCH = "plate_mismatch"
    WRONG_GATE = "wrong_gate"
    GOODS_ON_HOLD = "goods_on_hold"
    ACCOUNT_ON_HOLD = "account_on_hold"
    LIST_VOIDED = "list_voided"
    PASSAGE_REUSED = "passage_id_reused"
    UNKNOWN_PASSAGE = "unknown_passage"
    RESERVATION_VOIDED = "reservation_voided"
    RESERVATION_POSTED = "reservation_posted"
    OVER_PASS_QUANTITY = "over_pass_quantity"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused reservation, post or void, with its reason; nothing was consumed.

    Attributes:
        pass_id: The gate pass presented (may be empty).
        passage_id: The passage.
        reason: The reason, a stable code.
        detail: Human-readable detail for the log and the officer.
    """

    pass_id: str
    passage_id: str
    reason: RefusalReason
    detail: str = ""


def gate_zone(gate_ref: str) -> str:
    """Return the zone of a gate ref ``<zone>/<gate>…`` (the part before the first ``/``)."""
    return gate_ref.split("/", 1)[0]
