"""Typed trace records: the one output shape shared by the twin and the live runtime.

The shape follows process mining (case, activity, lifecycle, resource, time) so that a
run's event log loads into a DataFrame or a process-mining tool unchanged, and so that
KPIs are pure functions of records computed after the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

AttrValue = str | int | float | bool

__all__ = ["AttrValue", "Lifecycle", "Recorder", "Sink", "TraceRecord"]


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


Sink = Callable[[TraceRecord], None]
_EMPTY: Mapping[str, AttrValue] = MappingProxyType({})  # shared: records without attributes


class Recorder:
    """Builds trace records and hands each to every sink; keeps none itself."""

    def __init__(self, sinks: list[Sink] | None = None) -> None:
        """Create a recorder writing to ``sinks``."""
        self.sinks: list[Sink] = list(sinks or [])

    def emit(
        self,
        case_id: str,
        activity: str,
        lifecycle: Lifecycle,
        resource: str,
        time_s: float,
        attrs: Mapping[str, AttrValue] | None = None,
    ) -> None:
        """Record one lifecycle transition."""
        # float(): SimPy's clock becomes a numpy float once a numpy draw enters a timeout;
        # records and the event log keep plain floats.
        rec = TraceRecord(
            case_id, activity, lifecycle, resource, float(time_s), dict(attrs) if attrs else _EMPTY
        )
        for sink in self.sinks:
            sink(rec)
