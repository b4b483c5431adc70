"""Gate pass (核放单): the document that lets one truck through one gate.

A gate pass binds one truck to one bonded list (一车一单), one truck to many lists
(一车多单) or, across several passes, one list to many trucks (一单多车). It carries what
the gate compares against the devices: plate, e-plate and IC card numbers, container
numbers, seals, tare and gross weights, and for inter-zone transfers the declared route.
It also carries the risk engine's lane for the goods, as data: the gate never calls the
risk engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum

from core.gate.track import TransferRoute

__all__ = ["GatePass", "GatePassItem", "GatePassState", "PassBinding", "RiskLane"]


class GatePassState(IntEnum):
    """States of a gate pass as in the Golden Customs phase II system."""

    APPLIED = 0  # 已申报
    APPROVED = 1  # 已审批
    PASSED = 2  # 已过卡 (single-gate mode)
    PASSED_FIRST_GATE = 3  # 已过一卡 (double-gate mode)
    PASSED_SECOND_GATE = 4  # 已过二卡
    DELETED = 5  # 已删除
    VOIDED = 6  # 已作废


class PassBinding(StrEnum):
    """How a gate pass binds trucks to bonded lists (核注清单)."""

    ONE_TRUCK_ONE_LIST = "one_truck_one_list"  # 一车一单
    ONE_TRUCK_MANY_LISTS = "one_truck_many_lists"  # 一车多单
    ONE_LIST_MANY_TRUCKS = "one_list_many_trucks"  # 一单多车


class RiskLane(StrEnum):
    """The risk engine's lane for the goods on the pass, as the gate acts on it.

    From ``core.risk.Lane``: ``AUTO_RELEASE`` and ``POST_AUDIT`` → ``RELEASE``,
    ``DOCUMENTARY`` → ``DOCUMENT_REVIEW``, ``SCAN`` → ``SCAN``, ``PHYSICAL`` →
    ``PHYSICAL_INSPECTION``.
    """

    RELEASE = "release"  # 放行
    DOCUMENT_REVIEW = "document_review"  # 单证审核: an officer at a post looks
    SCAN = "scan"  # H986 非侵入式查验
    PHYSICAL_INSPECTION = "physical_inspection"  # 人工查验


@dataclass(frozen=True, slots=True)
class GatePassItem:
    """One line of a bonded list carried by the pass.

    Attributes:
        list_id: The bonded list (核注清单) number.
        item_no: The line number on the list.
        quantity: Quantity carried by this truck, in the list's declared unit.
    """

    list_id: str
    item_no: int
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class GatePass:
    """A gate pass as the gate needs it.

    Only ``pass_id`` and ``plate`` are required; a gate whose policy requires a device
    for which the pass declares nothing sends the truck to a post (fail closed).

    Attributes:
        pass_id: The gate pass number.
        plate: The licence plate the pass was issued for.
        state: The pass's current state; only an approved pass (or, at the second gate
            of a double gate, one that passed the first) can open a barrier.
        e_plate_id: The electronic plate (电子车牌) tag id; ``""`` if not declared.
        ic_card_id: The RFID IC card (IC卡) number; ``""`` if not declared.
        binding: How the pass binds trucks to lists.
        items: The list lines carried and their quantities.
        container_numbers: Container numbers (箱号) on the truck.
        seal_ids: Electronic seals (电子关锁) from the sealing record.
        vehicle_tare_kg: Tare of the tractor and trailer (车辆皮重), kg.
        container_tare_kg: Tare of the containers (集装箱皮重), kg.
        gross_weight_kg: Gross weight of the goods (货物毛重), kg.
        net_weight_kg: Net weight of the goods (货物净重), kg (recorded, not compared).
        risk_lane: The risk engine's lane for the goods.
        transfer: The declared route, for a transfer between zones; None otherwise.
    """

    pass_id: str
    plate: str
    state: GatePassState = GatePassState.APPROVED
    e_plate_id: str = ""
    ic_card_id: str = ""
    binding: PassBinding = PassBinding.ONE_TRUCK_ONE_LIST
    items: tuple[GatePassItem, ...] = ()
    container_numbers: tuple[str, ...] = ()
    seal_ids: tuple[str, ...] = ()
    vehicle_tare_kg: float | None = None
    container_tare_kg: float = 0.0
    gross_weight_kg: float | None = None
    net_weight_kg: float | None = None
    risk_lane: RiskLane = RiskLane.RELEASE
    transfer: TransferRoute | None = None

    @property
    def list_ids(self) -> tuple[str, ...]:
        """The bonded lists the pass carries goods of, in first-seen order."""
        return tuple(dict.fromkeys(item.list_id for item in self.items))

    @property
    def declared_total_kg(self) -> float | None:
        """Vehicle tare + container tare + goods gross: what the weighbridge should show."""
        if self.vehicle_tare_kg is None or self.gross_weight_kg is None:
            return None
        return self.vehicle_tare_kg + self.container_tare_kg + self.gross_weight_kg
