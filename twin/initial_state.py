"""The twin started from a snapshot of the gates (nowcast, 现状推演) instead of empty.

A :class:`Fork` is what a snapshot (:mod:`ftz_spec.snapshot`) says about the moment it
was taken, in the scenario's terms: the scenario clock (hour of the day and week, so the
arrival profile and the roster are those of that hour), the trucks in each gate's lanes
and its queue, the devices in fault, the arrivals observed in the last hour. A forked
replication (:func:`forecast_replication`) starts SimPy's clock at that time, puts the
snapshot's trucks at their gates first (in lane order, then the queue), takes the
faulted devices down for a remaining repair time drawn from their repair-time law
(exponential: memoryless, so the time already down does not shorten it), and lets the
flows arrive from then on. A :class:`HourlyMeter` sink measures, hour by hour, the
trucks at each gate (time-average of those queueing and in the lanes), the queue before
the lanes, and the waits at every resource.

What the snapshot cannot see is not invented: trucks still upstream of the gates (in
review, inspection, waiting for the agencies) are not in it, so the forked run's gates
see fresh arrivals only once they have cleared; a truck already in a lane is checked
again from its start (its readings so far are not replayed). Both make the first minutes
of a forecast slightly light; the calibration test (tests/nowcast) measures the result.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.gate import DeviceKind
from core.trace import Lifecycle, Recorder, TraceRecord
from ftz_spec import Scenario, flow_line
from ftz_spec.snapshot import Snapshot, SnapshotError, lane_trucks, vocabulary
from twin.arrivals import rate_per_s
from twin.cases import new_case
from twin.gate_process import pass_gate
from twin.model import Twin

__all__ = [
    "Fork",
    "HourlyMeter",
    "forecast_replication",
    "fork_from_snapshot",
    "twin_snapshot",
]

_HOUR = 3600.0
_FORK_STREAM = (
    22  # the fork's own draws (repair times, injected trucks' cases): never a twin stream
)
_SCALE_BOUNDS = (0.2, 5.0)  # an observed hour this far from the profile is more noise than signal


@dataclass(frozen=True)
class Fork:
    """The state a forecast starts from.

    Attributes:
        start_s: The scenario clock at the snapshot (seconds since Monday 00:00).
        trucks: Gate → case ids at the gate, those in lanes first, then the queue.
        down: Device id → seconds it has been in fault (a fault still active).
        zones_h986_down: Zones whose H986 scanner is in fault (no scan; selections opened).
        arrivals_last_hour: Trucks announced at all gates in the hour before.
        arrival_scale: Multiplies the profile's arrivals (1: as the profile says).
    """

    start_s: float
    trucks: Mapping[str, tuple[str, ...]]
    down: Mapping[str, float] = field(default_factory=dict)
    zones_h986_down: tuple[str, ...] = ()
    arrivals_last_hour: int = 0
    arrival_scale: float = 1.0


def expected_gate_arrivals(scenario: Scenario, start_s: float, end_s: float) -> float:
    """Truck announcements at all gates the profile expects in ``[start_s, end_s)``.

    A transfer between zones crosses two gates. The rate is integrated hour by hour (it
    is constant within an hour).
    """
    total, t = 0.0, start_s
    while t < end_s:
        nxt = min(end_s, (math.floor(t / _HOUR) + 1) * _HOUR)
        for flow in scenario.uncertainties.flows:
            crossings = 2 if flow.kind == "transfer_between_zones" and flow.to else 1
            total += rate_per_s(scenario, flow, t) * (nxt - t) * crossings
        t = nxt
    return total


def fork_from_snapshot(snap: Snapshot, scenario: Scenario, scale_to_observed: bool = False) -> Fork:
    """Read ``snap`` in ``scenario``'s terms.

    ``scale_to_observed`` scales the arrivals by the ratio of those announced in the last
    hour to those the profile expects for that hour (bounded to 0.2-5).

    Raises:
        SnapshotError: A gate of the snapshot is not a gate of the scenario.
    """
    known = {g.ref for g in scenario.site.gates}
    unknown = sorted(set(snap.gates) - known)
    if unknown:
        raise SnapshotError(
            f"snapshot of {snap.site}",
            [f"gates.{unknown[0]}: not a gate of scenario {scenario.name} "
             f"(known: {', '.join(sorted(known))})"],
        )  # fmt: skip
    trucks: dict[str, tuple[str, ...]] = {}
    for ref, g in snap.gates.items():
        in_lanes = [t.case_id for _, t in sorted(g.lanes.items()) if t is not None]
        trucks[ref] = tuple(in_lanes + [q.case_id for q in g.queued])
    faulted = {i: d for i, d in snap.devices.items() if d.fault or d.state == "faulted"}
    # The H986 is a zone's scanner (its ``gate`` may be the zone): out of service there.
    h986 = sorted({d.gate.split("/", 1)[0] for d in faulted.values() if d.kind == "h986_scanner"})
    down = {i: d.down_s for i, d in faulted.items() if d.kind != "h986_scanner"}
    observed = sum(g.arrivals_last_hour for g in snap.gates.values())
    scale = 1.0
    if scale_to_observed:
        expected = expected_gate_arrivals(scenario, max(0.0, snap.clock_s - _HOUR), snap.clock_s)
        if expected > 0:
            scale = min(max(observed / expected, _SCALE_BOUNDS[0]), _SCALE_BOUNDS[1])
    return Fork(snap.clock_s, trucks, down, tuple(h986), observed, scale)


def forked_scenario(scenario: Scenario, fork: Fork, horizon_h: float) -> Scenario:
    """``scenario`` run from the fork for ``horizon_h`` hours: observed from the start, no drain."""
    start_h = fork.start_s / _HOUR
    run = scenario.run.model_copy(
        update={"warmup_h": start_h, "horizon_h": start_h + horizon_h, "type": "terminating"}
    )
    unc = scenario.uncertainties
    unc = unc.model_copy(update={"traffic_scale": unc.traffic_scale * fork.arrival_scale})
    return scenario.model_copy(update={"run": run, "uncertainties": unc})


class HourlyMeter:
    """A trace sink: per hour from ``start_s``, trucks at each gate and waits at each resource.

    ``at_gate[ref][h]``: time-average trucks queueing for a lane or in one during hour h;
    ``queue[ref][h]``: those queueing only; ``waits[resource][h]``: mean wait (minutes)
    of the waits that ended in hour h, with their count in ``wait_n``.
    """

    def __init__(self, start_s: float, hours: int, gates: list[str]) -> None:
        """Measure ``hours`` whole hours from ``start_s`` for ``gates``."""
        self.start_s, self.hours = start_s, hours
        self.at_gate = {g: [0.0] * hours for g in gates}
        self.queue = {g: [0.0] * hours for g in gates}
        self._n = {g: [0, 0] for g in gates}  # [queueing, in lanes] now
        self._since = {g: start_s for g in gates}
        self._wait_from: dict[tuple[str, str, str], float] = {}
        self.wait_sum: dict[str, list[float]] = defaultdict(lambda: [0.0] * hours)
        self.wait_n: dict[str, list[int]] = defaultdict(lambda: [0] * hours)

    def _advance(self, gate: str, now: float) -> None:
        t, q, lanes = self._since[gate], *self._n[gate]
        end = self.start_s + self.hours * _HOUR
        while t < min(now, end):
            h = int((t - self.start_s) // _HOUR)
            nxt = min(now, end, self.start_s + (h + 1) * _HOUR)
            if h >= 0:
                self.at_gate[gate][h] += (q + lanes) * (nxt - t) / _HOUR
                self.queue[gate][h] += q * (nxt - t) / _HOUR
            t = nxt
        self._since[gate] = max(self._since[gate], now)

    def __call__(self, rec: TraceRecord) -> None:
        """Take one trace record."""
        res = rec.resource
        if rec.activity in ("gate_queue", "gate_check") and res.endswith("/lanes"):
            gate = res[: -len("/lanes")]
            if gate in self._n:
                self._advance(gate, rec.time_s)
                slot = 0 if rec.activity == "gate_queue" else 1
                if rec.lifecycle in (Lifecycle.WAIT_START, Lifecycle.START):
                    self._n[gate][slot] += 1
                elif rec.lifecycle in (Lifecycle.WAIT_STOP, Lifecycle.STOP):
                    self._n[gate][slot] -= 1
        if rec.lifecycle is Lifecycle.WAIT_START and res:
            self._wait_from[(rec.case_id, rec.activity, res)] = rec.time_s
        elif rec.lifecycle is Lifecycle.WAIT_STOP and res:
            t0 = self._wait_from.pop((rec.case_id, rec.activity, res), None)
            h = int((rec.time_s - self.start_s) // _HOUR)
            if t0 is not None and 0 <= h < self.hours:
                self.wait_sum[res][h] += (rec.time_s - t0) / 60.0
                self.wait_n[res][h] += 1

    def close(self, end_s: float) -> None:
        """Account the time up to ``end_s`` (the run's end)."""
        for gate in self._n:
            self._advance(gate, end_s)

    def rows(self) -> dict[tuple[str, str, int], float]:
        """``(metric, resource, hour) → value`` for every gate, resource and hour."""
        out: dict[tuple[str, str, int], float] = {}
        for g in self.at_gate:
            for h in range(self.hours):
                out[("trucks_at_gate", g, h)] = self.at_gate[g][h]
                out[("gate_queue", g, h)] = self.queue[g][h]
        for res in sorted(self.wait_n):
            for h in range(self.hours):
                n = self.wait_n[res][h]
                out[("wait_min", res, h)] = self.wait_sum[res][h] / n if n else 0.0
                out[("waits_ended", res, h)] = float(n)
        return out


def _flow_for(scenario: Scenario, gate_ref: str) -> Any:
    """The flow whose trucks a snapshot's truck at ``gate_ref`` is drawn like (not a transfer first)."""
    gate = scenario.site.gate(gate_ref)
    candidates = [
        f
        for f in scenario.uncertainties.flows
        if f.zone == gate.zone
        and (f.gate == gate_ref or (f.gate is None and flow_line(f) == gate.line))
    ]
    candidates.sort(key=lambda f: f.kind == "transfer_between_zones")
    return candidates[0] if candidates else None


def _force_down(device: Any, from_s: float, until_s: float) -> bool:
    """Put a simulated device in a silent fault until ``until_s`` (its failure process)."""
    failures = getattr(device, "_failures", None)
    if failures is None:
        return False
    if failures._mttf_s is None:
        # A device that never fails would never draw its next cycle after this repair
        # (its process would stay at this one): it gets a next failure beyond any run.
        failures._mttf_s = 1e15
    failures._down_from, failures._down_until = from_s, until_s
    failures._mode = type(failures._mode).DOWN
    return True


def _truck_at_gate(twin: Twin, gate_ref: str, case: Any) -> Generator[Any, Any, None]:
    w = twin.world
    site = w.gates[gate_ref]
    w.ledger.declare(case, gate_ref, w.env.now)  # its gate pass is in the ledger, approved
    w.ledger.released(case, w.env.now)
    yield from pass_gate(w.env, site, case.truck, w.rec)


def _h986_down(twin: Twin, zone: str, until_s: float) -> Generator[Any, Any, None]:
    w = twin.world
    w.down.add(f"{zone}/h986")
    yield w.env.timeout(max(0.0, until_s - w.env.now))
    w.down.discard(f"{zone}/h986")


def apply_fork(twin: Twin, fork: Fork, rng: np.random.Generator) -> dict[str, int]:
    """Put the fork's trucks at their gates and its faults on the devices; return what was placed.

    Returns counts: ``trucks`` placed, ``trucks_unplaced`` (a gate no flow of the scenario
    uses), ``faults`` applied, ``faults_unknown`` (a device the twin does not have).
    """
    w, sc = twin.world, twin.world.scenario
    now = w.env.now
    counts = {"trucks": 0, "trucks_unplaced": 0, "faults": 0, "faults_unknown": 0}
    cases_rng = np.random.default_rng([sc.run.seed, _FORK_STREAM, 1, int(fork.start_s)])
    n = 1_000_000  # the snapshot's trucks are numbered past any arrival of the run
    for ref, ids in fork.trucks.items():
        flow = _flow_for(sc, ref)
        for _ in ids:
            if flow is None:
                counts["trucks_unplaced"] += 1
                continue
            n += 1
            # The twin draws the truck's goods and pass like its flow's (the snapshot
            # knows only its ids); its own case id keeps the ledger's passes unique.
            case = new_case(sc, flow, n, cases_rng, w.enterprises)
            w.env.process(_truck_at_gate(twin, ref, case))
            counts["trucks"] += 1
    devices = {
        d.device_id: d
        for g in w.gates.values()
        for lane in g.sensors.values()
        for d in lane.values()
    }
    mttr_s = {k: u.mttr_min * 60.0 for k, u in sc.uncertainties.devices.items()}
    for dev_id in sorted(fork.down):
        dev = devices.get(dev_id)
        # Exponential repair: what is left is drawn afresh, whatever it has lasted.
        mean = mttr_s.get(getattr(dev, "kind", None), 30 * 60.0)
        remaining = float(rng.exponential(mean))
        if dev is not None and _force_down(dev, now, now + remaining):
            counts["faults"] += 1
        else:
            counts["faults_unknown"] += 1
    scan_mean = mttr_s.get(DeviceKind.H986_SCANNER, 4 * _HOUR)  # no figure: half a shift
    for zone in fork.zones_h986_down:
        if zone in w.h986:
            w.env.process(_h986_down(twin, zone, now + float(rng.exponential(scan_mean))))
            counts["faults"] += 1
        else:
            counts["faults_unknown"] += 1
    return counts


def forecast_replication(
    scenario: Scenario, fork: Fork, replication: int, horizon_h: int, pipeline_h: float = 2.0
) -> tuple[dict[tuple[str, str, int], float], dict[str, int]]:
    """Run one replication of ``scenario`` from ``fork`` for ``horizon_h`` hours.

    The run starts ``pipeline_h`` hours before the fork with the gates bypassed, so the
    trucks that are upstream at the snapshot (in review, inspection, with the agencies:
    no snapshot of the gates sees them) reach the gates after it as they would; those
    that reached a gate before it are the snapshot's (in its lanes or already through).
    The same scenario, fork and replication give the same numbers; two scenarios that
    differ in a lever share the replication's random streams (common random numbers).
    Returns the meter's rows and what :func:`apply_fork` placed.
    """
    sc = forked_scenario(scenario, fork, horizon_h)
    meter = HourlyMeter(fork.start_s, horizon_h, [g.ref for g in sc.site.gates])
    begin = max(0.0, fork.start_s - pipeline_h * _HOUR)
    twin = Twin(sc, replication, Recorder([meter]), start_s=begin)
    for site in twin.world.gates.values():
        site.open_from_s = fork.start_s
    rng = np.random.default_rng([sc.run.seed, _FORK_STREAM, 2, replication])
    placed: dict[str, int] = {}

    def at_fork() -> Generator[Any, Any, None]:
        yield twin.world.env.timeout(fork.start_s - begin)
        placed.update(apply_fork(twin, fork, rng))

    twin.world.env.process(at_fork())
    twin.run()
    meter.close(twin.end_s)
    return meter.rows(), placed


def twin_snapshot(twin: Twin, site: str, wall_clock: str = "") -> dict[str, Any]:
    """A snapshot document of a running twin's gates (the same shape as the live service's).

    Trucks queueing for a lane are listed as queued (the live gate sees them held); the
    devices in fault are those whose failure process is down now.
    """
    w = twin.world
    now = float(w.env.now)
    gates: dict[str, Any] = {}
    devices: dict[str, Any] = {}
    for ref, site_ in w.gates.items():
        lanes = tuple(site_.sensors) or tuple(site_.officer_ids)
        queued = [
            {"case_id": getattr(req, "case_id", f"{ref}#q{i}"), "waited_s": 0.0}
            for i, req in enumerate(site_.lanes.get_queue)
        ]
        gates[ref] = {
            "lanes": lane_trucks(site_.controller, lanes, now),
            "queued": queued,
            "arrivals_last_hour": twin_arrivals_last_hour(twin, ref),
        }
        for lane in site_.sensors.values():
            for kind, dev in lane.items():
                failures = getattr(dev, "_failures", None)
                down = failures is not None and failures.is_down(now)
                devices[dev.device_id] = {
                    "gate": ref,
                    "kind": kind.value,
                    "state": "faulted" if down else "active",
                    "fault": "device_down" if down else None,
                    "down_s": round(max(0.0, now - failures._down_from), 3) if down else 0.0,
                }
    return {
        "version": 1,
        "source": "twin",
        "site": site,
        "wall_clock": wall_clock,
        "clock_s": round(now, 3),
        "gates": gates,
        "devices": devices,
        "counters": {},
        "vocabulary": vocabulary(list(w.gates), [z.id for z in w.scenario.site.zones]),
    }


def snapshot_at(
    scenario: Scenario, at_s: float, replication: int = 0, wall_clock: str = ""
) -> dict[str, Any]:
    """Run ``scenario``'s replication up to ``at_s`` and return the snapshot taken there."""
    start_h = at_s / _HOUR
    run = scenario.run.model_copy(
        update={"horizon_h": start_h + 1e-6, "warmup_h": 0.0, "type": "terminating"}
    )
    sc = scenario.model_copy(update={"run": run})
    tally = ArrivalTally()
    twin = Twin(sc, replication, Recorder([tally]))
    twin.arrival_tally = tally  # type: ignore[attr-defined]
    out: dict[str, Any] = {}

    def take() -> Generator[Any, Any, None]:
        yield twin.world.env.timeout(at_s)
        out["snapshot"] = twin_snapshot(twin, scenario.name, wall_clock)

    twin.world.env.process(take())
    twin.run()
    return out["snapshot"]


def twin_arrivals_last_hour(twin: Twin, gate_ref: str) -> int:
    """Trucks that reached ``gate_ref`` in the last hour (kept by :class:`ArrivalTally`)."""
    tally = getattr(twin, "arrival_tally", None)
    return 0 if tally is None else tally.last_hour(gate_ref, float(twin.world.env.now))


class ArrivalTally:
    """A trace sink that keeps when trucks reached each gate (for ``arrivals_last_hour``)."""

    def __init__(self) -> None:
        """Start empty."""
        self.times: dict[str, list[float]] = defaultdict(list)

    def __call__(self, rec: TraceRecord) -> None:
        """Take one trace record."""
        if rec.activity == "gate_queue" and rec.lifecycle is Lifecycle.WAIT_START:
            self.times[rec.resource[: -len("/lanes")]].append(rec.time_s)

    def last_hour(self, gate: str, now: float) -> int:
        """Arrivals at ``gate`` in ``(now - 1 h, now]``."""
        return sum(1 for t in self.times.get(gate, ()) if now - _HOUR < t <= now)
