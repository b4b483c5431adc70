"""``GET /metrics``: the gate service in the Prometheus text format (prometheus-client).

Collected when scraped, from the same counters ``/health`` shows, so the two never
disagree: decisions by outcome and reason, trucks held and arrivals refused by reason, rejected
device messages by reason, ledger operations and refusals, the store's commit latency
(a histogram of the writer's transactions), queue depths and capacities, barrier alarms,
and readiness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from ftz_live.status import not_ready

__all__ = ["ServiceCollector", "metrics_route"]

_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class ServiceCollector(Collector):
    """Reads a :class:`ftz_live.service.GateService` at each scrape."""

    def __init__(self, svc: Any) -> None:
        """Collect from ``svc``."""
        self.svc = svc
        self._counts = [0] * (len(_BUCKETS) + 1)
        self._sum = 0.0

    def collect(self) -> Iterator[Any]:
        """Yield every metric family."""
        svc, vis = self.svc, self.svc.visibility
        yield _counter(
            "ftz_gate_decisions",
            "Gate decisions by outcome and reason",
            ["outcome", "reason"],
            {k: v for k, v in vis.reasons.items()},
        )
        yield _counter(
            "ftz_gate_arrivals_held",
            "Arrivals told to wait",
            ["reason"],
            {(k,): v for k, v in vis.held.items()},
        )
        yield _counter(
            "ftz_gate_arrivals_refused",
            "Arrivals refused",
            ["reason"],
            {(k,): v for k, v in vis.refused_arrivals.items()},
        )
        yield _counter(
            "ftz_messages_rejected",
            "Device messages rejected",
            ["reason"],
            {(k,): v for k, v in vis.rejected.items()},
        )
        yield _counter(
            "ftz_readings_discarded",
            "Readings discarded",
            ["reason"],
            {(k,): v for k, v in vis.discarded.items()},
        )
        sink = svc.ledger_sink
        ops = {
            ("reserved",): sink.reserved,
            ("posted",): sink.posted,
            ("voided",): sink.voided,
            ("annotated",): sink.committed,
        }
        yield _counter("ftz_ledger_operations", "Ledger operations made durable", ["op"], ops)
        yield _counter(
            "ftz_ledger_refusals",
            "Ledger refusals by reason",
            ["reason"],
            {(k,): v for k, v in sink.refused.items()},
        )
        yield _counter(
            "ftz_ledger_retries", "Store errors retried by the writer", [], {(): sink.retries}
        )
        yield self._latency(sink)
        depth = GaugeMetricFamily("ftz_queue_depth", "Items waiting", labels=["queue"])
        cap = GaugeMetricFamily("ftz_queue_capacity", "Bound of each queue", labels=["queue"])
        depth.add_metric(["arrivals"], svc._arrivals.qsize())
        cap.add_metric(["arrivals"], svc._arrivals.maxsize)
        depth.add_metric(["ledger"], sink.pending)
        depth.add_metric(["reservations"], sink._in_flight)
        cap.add_metric(["reservations"], sink.max_reservations)
        yield depth
        yield cap
        if svc.watch is not None:
            yield _counter(
                "ftz_barrier_alarms",
                "Commands a barrier did not follow",
                ["barrier"],
                {(k,): v for k, v in svc.watch.alarms.items()},
            )
        reasons = not_ready(svc)
        ready = GaugeMetricFamily("ftz_ready", "1 when the service can act on its decisions")
        ready.add_metric([], 0.0 if reasons else 1.0)
        yield ready

    def _latency(self, sink: Any) -> HistogramMetricFamily:
        taken, sink.latencies = sink.latencies, []
        for s in taken:
            self._sum += s
            i = next((j for j, b in enumerate(_BUCKETS) if s <= b), len(_BUCKETS))
            self._counts[i] += 1
        cumulative, buckets = 0, []
        for b, n in zip((*_BUCKETS, float("inf")), self._counts, strict=True):
            cumulative += n
            buckets.append(("+Inf" if b == float("inf") else str(b), cumulative))
        h = HistogramMetricFamily(
            "ftz_ledger_commit_seconds", "Store commit latency of the writer's transactions"
        )
        h.add_metric([], buckets, self._sum)
        return h


def _counter(
    name: str, doc: str, labels: list[str], values: dict[tuple[str, ...], int]
) -> CounterMetricFamily:
    c = CounterMetricFamily(name, doc, labels=labels)
    for key, v in sorted(values.items()):
        c.add_metric(list(key), float(v))
    return c


def metrics_route(svc: Any) -> Callable[[], tuple[str, bytes]]:
    """The ``GET /metrics`` handler of ``svc``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ServiceCollector(svc))
    return lambda: (CONTENT_TYPE_LATEST, generate_latest(registry))
