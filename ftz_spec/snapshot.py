"""The live state of the gates as one versioned JSON document (the nowcast's snapshot).

The live service writes it (``GET /state``, a retained MQTT topic; :mod:`ftz_live.snapshot`),
the twin writes the same document from a running replication
(:func:`twin.initial_state.twin_snapshot`) and forks from it
(:mod:`twin.initial_state`). It sits in the specification layer because both sides use it
and neither may import the other. The vocabulary is the site's and the scenario's: gates
are ``<zone>/<gate>``, lanes the assembly's lane ids, device kinds and outcomes the
core's, so a snapshot of the live gates reads directly as the twin's state.

``clock_s`` is the time on the scenario's clock: seconds since Monday 00:00 site time
(the hour of the day and of the week pick the arrival profile and the roster). A snapshot
is validated on read: an unknown version, key or a bad value is a :class:`SnapshotError`
naming the file, the field path and the value (the CLI exits 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, NonNegativeFloat, NonNegativeInt, ValidationError

from core.gate import DeviceKind
from core.gate.messages import Outcome
from core.gate.passage import Passage
from ftz_spec.base import Model
from ftz_spec.errors import UserError

__all__ = [
    "PASSAGE_STATES",
    "SNAPSHOT_VERSION",
    "DeviceState",
    "GateState",
    "LaneTruck",
    "PassRecord",
    "QueuedTruck",
    "Snapshot",
    "SnapshotError",
    "lane_trucks",
    "load_snapshot",
    "parse_snapshot",
    "passage_state",
    "vocabulary",
]

SNAPSHOT_VERSION = 1
_MAX_BYTES = 8 * 1024 * 1024  # a snapshot of every lane of the four zones is a few kB
# What a truck in a lane is waiting for (the controller's passage, core.gate.passage).
PASSAGE_STATES = ("reading", "scanning", "reserving", "complete")
PassageState = Literal["reading", "scanning", "reserving", "complete"]
_WEEK_S = 7 * 86_400.0


class LaneTruck(Model):
    """A truck in a lane whose passage (过卡) is not decided yet."""

    case_id: str = Field(max_length=200)
    pass_id: str = Field(default="", max_length=200)
    state: PassageState
    arrived_s: float = Field(description="when it was announced, on the service's clock")
    age_s: NonNegativeFloat = Field(le=1e7, description="seconds in the lane so far")
    readings: dict[DeviceKind, NonNegativeInt] = Field(default_factory=dict)
    awaiting: dict[DeviceKind, NonNegativeInt] = Field(default_factory=dict)


class QueuedTruck(Model):
    """A truck waiting for a lane (held by the controller: the lane is busy)."""

    case_id: str = Field(max_length=200)
    waited_s: NonNegativeFloat = Field(default=0.0, le=1e7)


class GateState(Model):
    """One gate: its lanes' trucks, the queue before them, what it decided."""

    lanes: dict[str, LaneTruck | None] = Field(default_factory=dict, max_length=64)
    queued: tuple[QueuedTruck, ...] = Field(default=(), max_length=10_000)
    arrivals_last_hour: NonNegativeInt = 0
    decisions: dict[Outcome, NonNegativeInt] = Field(default_factory=dict)


class DeviceState(Model):
    """One device: lifecycle state and the fault it reports, if any."""

    gate: str = Field(max_length=200)
    kind: DeviceKind
    state: str = Field(max_length=40, description="hardware_models LifecycleState value")
    fault: str | None = Field(default=None, max_length=200)
    down_s: NonNegativeFloat = Field(default=0.0, le=1e7, description="seconds in fault so far")


class PassRecord(Model):
    """A gate pass (核放单) reserved for a passage or consumed by one."""

    pass_id: str = Field(max_length=200)
    gate: str = Field(max_length=200)
    case_id: str = Field(default="", max_length=200)
    at_s: float = 0.0


class Snapshot(Model):
    """The gates' state at one moment."""

    version: Literal[1]
    source: Literal["live", "hil", "twin"]
    site: str = Field(max_length=200)
    wall_clock: str = Field(max_length=40, description="ISO 8601 UTC time the snapshot was taken")
    clock_s: NonNegativeFloat = Field(
        le=1e8, description="seconds since Monday 00:00 site time (the scenario's clock)"
    )
    gates: dict[str, GateState] = Field(max_length=1_000)
    devices: dict[str, DeviceState] = Field(default_factory=dict, max_length=20_000)
    reserved_passes: tuple[PassRecord, ...] = Field(default=(), max_length=20_000)
    consumed_passes: tuple[PassRecord, ...] = Field(default=(), max_length=20_000)
    counters: dict[str, float] = Field(default_factory=dict, max_length=1_000)
    vocabulary: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @property
    def hour_of_week(self) -> int:
        """The hour of the week the snapshot was taken in (0: Monday 00:00-01:00)."""
        return int((self.clock_s % _WEEK_S) // 3600)

    def trucks_at(self, gate: str) -> int:
        """Trucks in the lanes and in the queue of ``gate``."""
        g = self.gates[gate]
        return sum(1 for t in g.lanes.values() if t is not None) + len(g.queued)


class SnapshotError(UserError):
    """A snapshot that cannot be read or validated (one line per problem)."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where, self.problems = where, problems
        super().__init__("\n".join(f"{where}: {p}" for p in problems))


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parse_snapshot(data: Any, where: str = "<snapshot>") -> Snapshot:
    """Validate a decoded snapshot document.

    Raises:
        SnapshotError: Not a snapshot, another version, or a bad field (path and value).
    """
    if not isinstance(data, dict):
        raise SnapshotError(where, [f"(document): expected a JSON object (got {_show(data)})"])
    if data.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(
            where,
            [f"version: this twin reads snapshot version {SNAPSHOT_VERSION} "
             f"(got {_show(data.get('version'))})"],
        )  # fmt: skip
    try:
        snap = Snapshot.model_validate(data)
    except ValidationError as err:
        lines = []
        for e in err.errors()[:20]:
            loc = _loc(tuple(e.get("loc", ())))
            if e.get("type") == "missing":
                lines.append(f"{loc}: required field is missing")
            elif e.get("type") == "extra_forbidden":
                lines.append(f"{loc}: unknown key")
            else:
                lines.append(f"{loc}: {e.get('msg', 'invalid')} (got {_show(e.get('input'))})")
        raise SnapshotError(where, lines) from None
    for ref, gate in snap.gates.items():
        for lane, truck in gate.lanes.items():
            if truck is not None and not truck.case_id:
                raise SnapshotError(where, [f"gates.{ref}.lanes.{lane}.case_id: empty (got '')"])
    return snap


def load_snapshot(path: str | Path) -> Snapshot:
    """Read and validate the snapshot file ``path``.

    Raises:
        SnapshotError: The file cannot be read, is not JSON or not a valid snapshot.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise SnapshotError(str(p), [f"cannot be read ({err.strerror or err})"]) from None
    return parse_snapshot_bytes(raw, str(p))


def parse_snapshot_bytes(raw: bytes, where: str) -> Snapshot:
    """Decode and validate a snapshot's bytes (a file's or an HTTP answer's).

    Raises:
        SnapshotError: Too large, not UTF-8 JSON, or not a valid snapshot.
    """
    if len(raw) > _MAX_BYTES:
        raise SnapshotError(where, [f"(document): larger than {_MAX_BYTES} bytes"])
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SnapshotError(where, [f"(document): not JSON ({err})"]) from None
    return parse_snapshot(data, where)


def passage_state(p: Passage) -> str:
    """What the passage waits for: readings, an H986 scan, the pass's reservation."""
    if p.reserving_s is not None:
        return "reserving"
    if p.scan_requested_s is not None:
        return "scanning"
    return "reading" if p.expected else "complete"


def lane_trucks(
    controller: Any, lanes: tuple[str, ...], now: float
) -> dict[str, dict[str, Any] | None]:
    """The undecided passage of each lane of ``controller`` as snapshot JSON (None: empty).

    ``controller`` is a :class:`core.gate.GateController` (the twin's or the service's):
    both sides describe their lanes by this one function.
    """
    pending: dict[str, Passage] = controller.pending
    out: dict[str, dict[str, Any] | None] = {}
    for lane in lanes:
        p = pending.get(lane)
        out[lane] = None
        if p is not None:
            out[lane] = {
                "case_id": p.case_id,
                "pass_id": p.gate_pass.pass_id,
                "state": passage_state(p),
                "arrived_s": round(p.arrived_s, 3),
                "age_s": round(max(0.0, now - p.arrived_s), 3),
                "readings": {k.value: len(v) for k, v in p.readings.items()},
                "awaiting": {k.value: n for k, n in p.expected.items()},
            }
    return out


def vocabulary(gates: list[str], zones: list[str]) -> dict[str, list[str]]:
    """The names a snapshot uses, so a reader can check it against its scenario."""
    return {
        "gates": sorted(gates),
        "zones": sorted(zones),
        "device_kinds": [k.value for k in DeviceKind],
        "passage_states": list(PASSAGE_STATES),
        "outcomes": [o.value for o in Outcome],
    }


def schema() -> dict[str, Any]:
    """The snapshot's JSON schema (documentation; reading validates with the model)."""
    return Snapshot.model_json_schema()
