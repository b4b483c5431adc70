"""Gate pass (核放单): the document that lets one truck through one gate."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = ["GatePass", "GatePassState"]


class GatePassState(IntEnum):
    """States of a gate pass as in the Golden Customs phase II system."""

    APPLIED = 0
    APPROVED = 1
    PASSED = 2  # single-gate mode
    PASSED_FIRST_GATE = 3  # double-gate mode
    PASSED_SECOND_GATE = 4
    DELETED = 5
    VOIDED = 6


@dataclass(frozen=True, slots=True)
class GatePass:
    """A gate pass as the gate needs it.

    Attributes:
        pass_id: The gate pass number.
        plate: The licence plate the pass was issued for.
        state: The pass's current state; only an approved pass can open a barrier.
    """

    pass_id: str
    plate: str
    state: GatePassState = GatePassState.APPROVED
