"""What the risk engine assesses: declarations, goods lines and enterprises.

Names follow the reform plan so that customs users find their terms: procedures of the
first line (一线, zone ↔ abroad), the second line (二线, zone ↔ domestic China),
transfers (结转/分送集报) and bonded exhibition (保税展示交易).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from core.risk.errors import DeclarationError

__all__ = [
    "INSPECTION_LANES",
    "CreditClass",
    "Declaration",
    "Direction",
    "Enterprise",
    "GoodsLine",
    "Lane",
    "Procedure",
    "direction_of",
]


class Procedure(StrEnum):
    """Customs procedure of a declaration."""

    FIRST_LINE_ENTRY = "first_line_entry"  # 一线进境
    FIRST_LINE_EXIT = "first_line_exit"  # 一线出境
    SECOND_LINE_IMPORT = "second_line_import"  # 二线进口 (zone → domestic market)
    SECOND_LINE_EXPORT = "second_line_export"  # 二线出口 (domestic → zone)
    TRANSFER_WITHIN_ZONE = "transfer_within_zone"  # 区内流转
    TRANSFER_BETWEEN_ZONES = "transfer_between_zones"  # 区间结转 (分送集报、自行运输)
    BONDED_EXHIBITION = "bonded_exhibition"  # 保税展示交易


class Direction(StrEnum):
    """Flow a lane plan is set for; several procedures share one direction."""

    FIRST_LINE_ENTRY = "first_line_entry"
    FIRST_LINE_EXIT = "first_line_exit"
    SECOND_LINE_IMPORT = "second_line_import"
    SECOND_LINE_EXPORT = "second_line_export"
    INTERNAL = "internal"


_DIRECTION = {
    Procedure.FIRST_LINE_ENTRY: Direction.FIRST_LINE_ENTRY,
    Procedure.FIRST_LINE_EXIT: Direction.FIRST_LINE_EXIT,
    Procedure.SECOND_LINE_IMPORT: Direction.SECOND_LINE_IMPORT,
    Procedure.SECOND_LINE_EXPORT: Direction.SECOND_LINE_EXPORT,
    Procedure.TRANSFER_WITHIN_ZONE: Direction.INTERNAL,
    Procedure.TRANSFER_BETWEEN_ZONES: Direction.INTERNAL,
    # Exhibited goods leave bonded control for a domestic venue and are sold with duty
    # paid later, so they carry second-line risk rather than transfer risk.
    Procedure.BONDED_EXHIBITION: Direction.SECOND_LINE_IMPORT,
}


def direction_of(procedure: Procedure) -> Direction:
    """Return the direction whose lane plan governs ``procedure``."""
    return _DIRECTION[procedure]


class CreditClass(StrEnum):
    """Enterprise credit class (企业信用等级) under China's customs credit rules."""

    ADVANCED_CERTIFIED = "advanced_certified"  # 高级认证企业 (AEO)
    GENERAL_CERTIFIED = "general_certified"  # 一般认证企业
    GENERAL_CREDIT = "general_credit"  # 一般信用企业
    DISHONEST = "dishonest"  # 失信企业


class Lane(IntEnum):
    """Clearance lanes, ordered from least to most intrusive.

    ASYCUDA's colours map as green → ``AUTO_RELEASE``, blue → ``POST_AUDIT``, yellow →
    ``DOCUMENTARY``, red → ``PHYSICAL``; ``SCAN`` is the non-intrusive H986/X-ray lane
    between documents and opening the container.
    """

    AUTO_RELEASE = 0  # 低风险单证自动验放
    POST_AUDIT = 1  # 后续稽查
    DOCUMENTARY = 2  # 单证审核
    SCAN = 3  # H986 / X-ray 非侵入式查验
    PHYSICAL = 4  # 人工查验 (开箱)

    @property
    def label(self) -> str:
        """Lower-case name used in files and reasons, e.g. ``physical``."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Lane:
        """Return the lane named ``text`` (case-insensitive).

        Raises:
            KeyError: ``text`` names no lane.
        """
        return cls[text.strip().upper()]


INSPECTION_LANES = frozenset({Lane.SCAN, Lane.PHYSICAL})


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """One goods line (商品项) of a declaration.

    Attributes:
        hs_code: HS code, 4 to 10 digits (``"8517120000"``).
        origin: Country of origin, ISO 3166 alpha-2 (``"CN"``, ``"VN"``).
        value_cny: Declared customs value in CNY, ≥ 0.
        weight_kg: Declared net weight in kg, ≥ 0.
    """

    hs_code: str
    origin: str
    value_cny: float
    weight_kg: float

    def __post_init__(self) -> None:
        """Reject impossible lines.

        Raises:
            DeclarationError: The HS code is not 4–10 digits or a figure is negative.
        """
        if not (4 <= len(self.hs_code) <= 10 and self.hs_code.isdigit()):
            raise DeclarationError(f"hs_code {self.hs_code!r}: expected 4 to 10 digits")
        if not self.value_cny >= 0 or not self.weight_kg >= 0:
            raise DeclarationError(
                f"hs_code {self.hs_code}: value_cny {self.value_cny} and weight_kg "
                f"{self.weight_kg} must be ≥ 0"
            )


@dataclass(frozen=True, slots=True)
class Declaration:
    """A customs declaration (报关单) or record list (备案清单) to assess.

    Attributes:
        declaration_id: Unique id; the random-control draw is derived from it.
        enterprise_id: The declaring enterprise.
        procedure: Customs procedure.
        zone: Zone id, e.g. ``yangshan_port``.
        lines: Goods lines, at least one.
        route: Transport route or transhipment code (``"via:HK"``), ``""`` if none.
    """

    declaration_id: str
    enterprise_id: str
    procedure: Procedure
    zone: str
    lines: tuple[GoodsLine, ...]
    route: str = ""

    def __post_init__(self) -> None:
        """Reject a declaration without goods.

        Raises:
            DeclarationError: ``lines`` is empty.
        """
        if not self.lines:
            raise DeclarationError(f"declaration {self.declaration_id}: no goods lines")

    @property
    def direction(self) -> Direction:
        """Direction whose lane plan governs this declaration."""
        return _DIRECTION[self.procedure]

    @property
    def value_cny(self) -> float:
        """Total declared value in CNY."""
        return sum(line.value_cny for line in self.lines)

    @property
    def weight_kg(self) -> float:
        """Total declared weight in kg."""
        return sum(line.weight_kg for line in self.lines)


@dataclass(frozen=True, slots=True)
class Enterprise:
    """An enterprise as the risk engine knows it.

    Attributes:
        enterprise_id: Customs registration id.
        credit_class: Credit class (企业信用等级).
    """

    enterprise_id: str
    credit_class: CreditClass
