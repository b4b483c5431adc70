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
from typing import Protocol, runtime_checkable

AttrValue = str | int | float | bool

__all__ = ["AttrValue", "FieldSink", "Lifecycle", "Recorder", "Sink", "TraceRecord"]


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


@runtime_checkable
class FieldSink(Protocol):
    """A sink that takes a record's fields as arguments, so no record object is built.

    The KPI accumulator is one: in a twin run it is usually the only listener, and a
    frozen record per lifecycle transition (about ten per truck) cost more than the
    accumulator's own work on it. A sink that is also callable with a record (as the
    accumulator is) can be used by anything that holds records.
    """

    def take(
        self,
        case_id: str,
        activity: str,
        lifecycle: Lifecycle,
        resource: str,
        time_s: float,
        attrs: Mapping[str, AttrValue],
    ) -> None:
        """Observe one lifecycle transition, given as its fields."""


class Recorder:
    """Builds trace records and hands each to every sink; keeps none itself.

    A :class:`FieldSink` gets the fields instead; a record is built only when a plain
    sink listens, once per transition whatever the number of plain sinks.
    """

    def __init__(self, sinks: list[Sink | FieldSink] | None = None) -> None:
        """Create a recorder writing to ``sinks`` (in that order)."""
        # (the sink, how to call it, whether it takes fields), in the order they are called
        self._calls: list[tuple[Sink | FieldSink, Callable[..., None], bool]] = []
        for sink in sinks or []:
            self.add_sink(sink)

    @property
    def sinks(self) -> tuple[Sink | FieldSink, ...]:
        """The sinks, in the order they are called."""
        return tuple(sink for sink, _, _ in self._calls)

    def add_sink(self, sink: Sink | FieldSink, first: bool = False) -> None:
        """Add ``sink``, called after the others (``first``: before them)."""
        call: Callable[..., None] = sink.take if isinstance(sink, FieldSink) else sink
        entry = (sink, call, isinstance(sink, FieldSink))
        self._calls.insert(0 if first else len(self._calls), entry)

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
        t = float(time_s)
        a = dict(attrs) if attrs else _EMPTY
        rec = None
        for _, call, fields in self._calls:
            if fields:
                call(case_id, activity, lifecycle, resource, t, a)
            else:
                if rec is None:
                    rec = TraceRecord(case_id, activity, lifecycle, resource, t, a)
                call(rec)
