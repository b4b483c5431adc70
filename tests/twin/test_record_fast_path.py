"""The recorder's fast path changes nothing a sink sees (issue 19).

The KPI accumulator takes a transition's fields (:class:`core.trace.FieldSink`), so a
twin run in which it is the only listener builds no record objects. These rules pin
that the fields and the records carry the same transitions, in the same order, and
that the KPIs computed either way are identical.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core.trace as trace
from benchmarks.probe import scenario
from core.trace import FieldSink, Lifecycle, Recorder, TraceRecord
from twin.experiment import run_replication
from twin.histogram import LogHistogram
from twin.kpi import KpiAccumulator
from twin.model import resource_capacity_s, resource_groups


class _Fields:
    def __init__(self, log: list[tuple[object, ...]]) -> None:
        self.log = log

    def take(self, case_id, activity, lifecycle, resource, time_s, attrs) -> None:
        self.log.append(("fields", case_id, activity, lifecycle, resource, time_s, dict(attrs)))


def test_kpis_taken_as_fields_equal_kpis_computed_from_records() -> None:
    sc = scenario(6.0)
    run = sc.run

    def accumulator() -> KpiAccumulator:
        return KpiAccumulator(
            run.warmup_h * 3600.0,
            run.horizon_h * 3600.0,
            resource_capacity_s(sc),
            resource_groups(sc),
            run.stall_warning_h * 3600.0,
        )

    by_fields, by_records = accumulator(), accumulator()
    records: list[TraceRecord] = []
    result = run_replication(
        sc, 1, extra_sinks=[by_fields, lambda r: (records.append(r), by_records.observe(r))]
    )
    assert len(records) > 1000
    end = max(r.time_s for r in records)
    by_fields.close(end)
    by_records.close(end)
    # repr, not ==: a KPI without observations is NaN, and NaN != NaN.
    assert repr(by_fields.result()) == repr(by_records.result())
    assert by_fields.result()["trucks_cleared"] == result.kpis["trucks_cleared"] > 100


def test_a_recorder_with_only_field_sinks_builds_no_record(monkeypatch) -> None:
    built: list[object] = []
    real = trace.TraceRecord
    monkeypatch.setattr(trace, "TraceRecord", lambda *a: built.append(a) or real(*a))
    log: list[tuple[object, ...]] = []
    rec = Recorder([_Fields(log)])
    rec.emit("c1", "gate_check", Lifecycle.START, "z/g/lanes", 12.5, {"lane": "L1"})
    assert built == []
    assert log == [
        ("fields", "c1", "gate_check", Lifecycle.START, "z/g/lanes", 12.5, {"lane": "L1"})
    ]


def test_plain_sinks_share_one_record_and_every_sink_is_called_in_order() -> None:
    log: list[tuple[object, ...]] = []
    seen: list[TraceRecord] = []

    def plain(name: str):
        return lambda r: (seen.append(r), log.append((name, r.case_id, r.time_s)))

    rec = Recorder([plain("a"), _Fields(log), plain("b")])
    rec.add_sink(_Fields(log), first=True)
    rec.add_sink(plain("c"))
    rec.emit("c9", "clearance", Lifecycle.STOP, "z/g", 7, {"outcome": "pass"})
    assert [entry[0] for entry in log] == ["fields", "a", "fields", "b", "c"]
    assert len(seen) == 3 and seen[0] is seen[1] is seen[2]  # one record for all of them
    assert isinstance(seen[0].time_s, float) and seen[0].time_s == 7.0
    assert type(rec.sinks[0]).__name__ == "_Fields"
    assert isinstance(rec.sinks[0], FieldSink) and not isinstance(rec.sinks[1], FieldSink)


def test_a_sink_keeps_what_was_emitted_when_the_caller_changes_its_attributes() -> None:
    log: list[tuple[object, ...]] = []
    seen: list[TraceRecord] = []
    rec = Recorder([_Fields(log), seen.append])
    attrs = {"lane": "L1"}
    rec.emit("c1", "gate_check", Lifecycle.START, "r", 1.0, attrs)
    attrs["lane"] = "L2"
    assert seen[0].attrs == {"lane": "L1"} and log[0][-1] == {"lane": "L1"}


def _reference_add(h: dict[str, object], value: float, floor: float, log_base: float) -> None:
    """The histogram's add as it was written before it was inlined (max and key)."""
    v = max(value, 0.0)
    key = -1 if v < floor else int(math.log(v / floor) / log_base)
    bins = h["bins"]
    assert isinstance(bins, dict)
    bins[key] = bins.get(key, 0) + 1
    h["count"] = int(h["count"]) + 1  # type: ignore[call-overload]
    h["total"] = float(h["total"]) + v  # type: ignore[arg-type]
    h["max"] = max(float(h["max"]), v)  # type: ignore[arg-type]


@given(st.lists(st.floats(min_value=-1e9, max_value=1e12, allow_nan=False), max_size=60))
def test_the_inlined_histogram_counts_exactly_as_before(values: list[float]) -> None:
    h = LogHistogram()
    ref: dict[str, object] = {"bins": {}, "count": 0, "total": 0.0, "max": 0.0}
    for v in values:
        h.add(v)
        _reference_add(ref, v, h._floor, h._log_base)
    assert (h._bins, h.count, h.total, h.max) == (
        ref["bins"],
        ref["count"],
        ref["total"],
        ref["max"],
    )


def test_a_nan_observation_is_refused_as_before() -> None:
    with pytest.raises(ValueError):
        LogHistogram().add(math.nan)
