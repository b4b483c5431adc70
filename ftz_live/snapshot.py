"""The live gates' state as the nowcast's snapshot (``GET /state``, retained ``<prefix>/state``).

The document is :mod:`ftz_spec.snapshot`'s, version 1: per gate and lane the truck whose
passage is undecided (its state and the readings it has and awaits, by the same
function the twin uses), the trucks told to wait for a busy lane, the arrivals of the
last hour, the decisions by outcome; passes reserved and recently consumed; every
device's lifecycle state and fault; the counters; the wall-clock time and the scenario
clock (Monday 00:00 site time is 0; in a HIL run the twin's simulated time). A
:class:`StateTracker` keeps what the controller does not (arrival times, holds, the
passes consumed lately); the service calls it from its loop thread.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.gate import Hold, Outcome, RecordDecision
from ftz_spec.snapshot import SNAPSHOT_VERSION, lane_trucks, vocabulary
from hardware_models import LifecycleState

__all__ = ["StateTracker", "live_state", "scenario_clock_s", "state_route", "state_topic"]

_HOUR = 3600.0
_RECENT = 200  # passes consumed lately kept in the snapshot
_SITE_TZ = ZoneInfo("Asia/Shanghai")  # the four zones' time: rosters and profiles are local


def state_topic(prefix: str) -> str:
    """The retained topic the snapshot is published on."""
    return f"{prefix}/state"


def scenario_clock_s(wall: datetime) -> float:
    """Seconds since Monday 00:00 Shanghai time (the scenario's clock) at ``wall``."""
    local = wall.astimezone(_SITE_TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local.weekday() * 86_400.0 + (local - midnight).total_seconds()


class StateTracker:
    """What the snapshot needs that the controllers forget: arrivals, holds, consumed passes."""

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self.arrivals: dict[str, deque[float]] = {}
        self.held: dict[str, dict[str, float]] = {}  # gate -> case -> since
        self.decisions: dict[str, Counter[str]] = {}
        self.consumed: deque[dict[str, Any]] = deque(maxlen=_RECENT)

    def arrived(self, gate: str, case_id: str, now: float) -> None:
        """A truck was announced at ``gate``."""
        with self._lock:
            # A held truck is announced again once its lane frees: it has left the queue
            # (held again, it rejoins). So the queue never keeps a truck that went away.
            self.held.get(gate, {}).pop(case_id, None)
            times = self.arrivals.setdefault(gate, deque())
            times.append(now)
            while times and times[0] <= now - _HOUR:
                times.popleft()

    def hold(self, gate: str, cmd: Hold) -> None:
        """The controller told a truck to wait (``lane_busy``: it queues before the lane)."""
        if cmd.reason == "lane_busy":
            with self._lock:
                self.held.setdefault(gate, {}).setdefault(cmd.case_id, -1.0)

    def decided(self, gate: str, cmd: RecordDecision) -> None:
        """A passage was decided: it leaves the queue; a passing one consumed its pass."""
        d = cmd.decision
        with self._lock:
            self.held.get(gate, {}).pop(d.case_id, None)
            self.decisions.setdefault(gate, Counter())[d.outcome.value] += 1
            if d.outcome is Outcome.PASS and d.pass_id:
                self.consumed.append(
                    {"pass_id": d.pass_id, "gate": gate, "case_id": d.case_id, "at_s": d.time_s}
                )

    def last_hour(self, gate: str, now: float) -> int:
        """Announcements at ``gate`` in the last hour."""
        with self._lock:
            return sum(1 for t in self.arrivals.get(gate, ()) if t > now - _HOUR)


def live_state(svc: Any, wall: datetime | None = None) -> dict[str, Any]:
    """The snapshot document of the running service ``svc``."""
    wall = wall or datetime.now(UTC)
    now = float(svc.clock())
    tracker: StateTracker = svc.state
    gates: dict[str, Any] = {}
    reserved: list[dict[str, Any]] = []
    for ref, gate in svc.gates.items():
        lanes = tuple(plan.lane for plan in gate.assembly.lanes)
        in_lanes = lane_trucks(gate.controller, lanes, now)
        present = {t["case_id"] for t in in_lanes.values() if t is not None}
        with tracker._lock:
            held = [c for c in tracker.held.get(ref, {}) if c not in present]
            decisions = dict(tracker.decisions.get(ref, {}))
        gates[ref] = {
            "lanes": in_lanes,
            "queued": [{"case_id": c, "waited_s": 0.0} for c in held],
            "arrivals_last_hour": tracker.last_hour(ref, now),
            "decisions": decisions,
        }
        for p in gate.controller.pending.values():
            if p.reserving_s is not None:
                reserved.append({"pass_id": p.gate_pass.pass_id, "gate": ref,
                                 "case_id": p.case_id, "at_s": p.reserving_s})  # fmt: skip
    devices = {}
    for dev_id, dev in svc.devices.items():
        faulted = dev.state is LifecycleState.FAULTED
        devices[dev_id] = {
            "gate": dev_id.rsplit("/", 1)[0],
            "kind": dev.kind.value,
            "state": dev.state.value,
            "fault": "faulted" if faulted else None,
            "down_s": 0.0,
        }
    vis = svc.visibility.snapshot()
    counters = {
        "overloaded_arrivals": float(svc.overloaded),
        "ledger_committed": float(svc.ledger_sink.committed),
        "gate_passes_registered": float(len(svc.passes)),
    }
    for key, value in vis.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            counters[key] = float(value)
    zones = sorted({ref.split("/", 1)[0] for ref in svc.gates})
    with tracker._lock:
        consumed = list(tracker.consumed)
    return {
        "version": SNAPSHOT_VERSION,
        "source": "hil" if svc.hil else "live",
        "site": svc.live.name,
        "wall_clock": wall.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "clock_s": round(now if svc.hil else scenario_clock_s(wall), 3),
        "gates": gates,
        "devices": devices,
        "reserved_passes": reserved,
        "consumed_passes": consumed,
        "counters": counters,
        "vocabulary": vocabulary(list(svc.gates), zones),
    }


def state_route(svc: Any) -> Any:
    """The ``GET /state`` route: the snapshot as JSON."""

    def route() -> tuple[str, bytes]:
        doc = live_state(svc)
        return "application/json", json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()

    return route


def publish_state(svc: Any) -> bool:
    """Publish the snapshot on the retained topic; False if the broker cannot take it."""
    payload = json.dumps(live_state(svc), sort_keys=True, ensure_ascii=False).encode()
    return bool(svc._bus.publish(state_topic(svc.prefix), payload, retain=True))
