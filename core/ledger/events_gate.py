"""Events of gate passages, transfer journeys and holds (past tense, for the outbox)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AccountHeld",
    "AccountHoldLifted",
    "GoodsHeld",
    "HoldReleased",
    "PassCancelled",
    "PassRefused",
    "ReservationVoided",
    "TransferArrived",
    "TransferDeparted",
    "TransferTimedOut",
]


@dataclass(frozen=True, slots=True)
class PassRefused:
    """The ledger refused a gate pass (核放单) at a gate: the barrier stays closed."""

    pass_id: str
    passage_id: str
    gate_ref: str
    reason: str
    time_s: float


@dataclass(frozen=True, slots=True)
class ReservationVoided:
    """A passage's reservation of a pass was voided (manual post, timeout …)."""

    pass_id: str
    passage_id: str
    gate_ref: str
    reason: str
    time_s: float


@dataclass(frozen=True, slots=True)
class PassCancelled:
    """Customs voided (作废) a gate pass not yet used, after dual review."""

    pass_id: str
    reviewers: tuple[str, ...]
    time_s: float


@dataclass(frozen=True, slots=True)
class TransferDeparted:
    """A transfer's goods passed the sending zone's gate: in transit (在途)."""

    list_id: str
    enterprise_id: str
    from_account_id: str
    to_account_id: str
    gate_id: str
    due_s: float
    time_s: float


@dataclass(frozen=True, slots=True)
class TransferArrived:
    """A transfer's arrival was confirmed at the receiving zone's gate."""

    list_id: str
    enterprise_id: str
    to_account_id: str
    gate_id: str
    late: bool
    time_s: float


@dataclass(frozen=True, slots=True)
class TransferTimedOut:
    """A transfer was in transit past its deadline without arriving; for risk."""

    list_id: str
    enterprise_id: str
    from_account_id: str
    to_account_id: str
    due_s: float
    time_s: float


@dataclass(frozen=True, slots=True)
class AccountHeld:
    """An account book was put on hold: its goods may not leave until it is cleared."""

    account_id: str
    enterprise_id: str
    reasons: tuple[str, ...]
    time_s: float


@dataclass(frozen=True, slots=True)
class AccountHoldLifted:
    """Every reason for an account's hold is cleared."""

    account_id: str
    enterprise_id: str
    time_s: float


@dataclass(frozen=True, slots=True)
class GoodsHeld:
    """A bonded list's goods were held (e.g. the three documents disagree)."""

    list_id: str
    enterprise_id: str
    reason: str
    time_s: float


@dataclass(frozen=True, slots=True)
class HoldReleased:
    """A held list was released by an inspection-exception decision (查验异常处理)."""

    list_id: str
    reason: str
    resolution: str
    reviewers: tuple[str, ...]
    time_s: float
