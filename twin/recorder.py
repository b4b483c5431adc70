"""Fan-out of trace records to sinks (KPI accumulator, event-log writer, test lists)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from core.trace import AttrValue, Lifecycle, TraceRecord

__all__ = ["Recorder", "Sink"]

Sink = Callable[[TraceRecord], None]


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
        rec = TraceRecord(case_id, activity, lifecycle, resource, float(time_s), dict(attrs or {}))
        for sink in self.sinks:
            sink(rec)
