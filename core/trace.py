"""Typed trace records: the one output shape shared by the twin and the live runtime.

The shape follows process mining (case, activity, lifecycle, resource, time) so that a
run's event log loads into a DataFrame or a process-mining tool unchanged, and so that
KPIs are pure functions of records computed after the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

AttrValue = str | int | float | bool

__all__ = ["AttrValue", "Lifecycle", "TraceRecord"]


class Lifecycle(StrEnum):
    """Lifecycle transition of an activity instance."""

    WAIT_START = "WAIT_START"
    WAIT_STOP = "WAIT_STOP"
    START = "START"
    STOP = "STOP"


def _no_attrs() -> Mapping[str, AttrValue]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TraceRecord:
    """One lifecycle transition of one activity of one case.

    Attributes:
        case_id: The case (truck passage, declaration …) the record belongs to.
        activity: What happened, e.g. ``gate_check`` or ``clearance``.
        lifecycle: Which transition of the activity this is.
        resource: The resource involved (``<zone>/<gate>/lanes``) or ``""``.
        time_s: Time of the transition in seconds since the start of the run
            (simulated seconds in the twin, wall-clock seconds since start live).
        attrs: Extra attributes, e.g. the decision outcome and its reasons.
    """

    case_id: str
    activity: str
    lifecycle: Lifecycle
    resource: str
    time_s: float
    attrs: Mapping[str, AttrValue] = field(default_factory=_no_attrs)
