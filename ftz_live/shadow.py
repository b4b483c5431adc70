"""Shadow mode (影子运行): the same gate assembly beside a live gate, on the same inputs.

``ftztwin shadow --site SITE`` logs in as a read-only broker user (``monitor``),
subscribes to each served gate's event journal (every event its controller was fed,
with the time it was fed, :mod:`ftz_live.journal`) and decision topic, feeds the events
to controllers of its own built by the one gate assembly, and compares each live
decision with its own: a disagreement (case, both outcomes, both reason lists) becomes a
log line, a counter on its ``/health`` and a row of its CSV file. A decision seen on one
side only for ``grace_s`` is a disagreement too (the other side's outcome is ``none``).
A gap in a journal's sequence numbers is counted: the shadow may then disagree for a
reason that is not the live gate's. A live decision for a truck whose arrival the shadow
never saw (it started later) is counted as ``not_shadowed``, not compared.
"""

from __future__ import annotations

import csv
import json
import logging
import queue
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from core.gate import RecordDecision, TruckArrived
from ftz_live.config import LiveSite
from ftz_live.health import HealthServer
from ftz_live.journal import decode_entry
from ftz_live.trace_file import utc_now
from hardware_models.mqtt import MqttSettings, bus_for, decision_topic, event_topic

__all__ = ["SHADOW_COLUMNS", "Disagreement", "ShadowService"]

log = logging.getLogger("ftztwin.shadow")
SHADOW_COLUMNS = (
    "wall_time",
    "gate",
    "case_id",
    "live_outcome",
    "shadow_outcome",
    "live_reasons",
    "shadow_reasons",
)


@dataclass(frozen=True)
class Disagreement:
    """One case the live gate and the shadow decided differently (``none``: not at all)."""

    gate: str
    case_id: str
    live_outcome: str
    shadow_outcome: str
    live_reasons: tuple[str, ...]
    shadow_reasons: tuple[str, ...]


_Side = tuple[str, tuple[str, ...], float]  # outcome, reasons, when seen (monotonic)


class ShadowService:
    """Runs shadow controllers for the gates of a live site until stopped."""

    def __init__(
        self,
        live: LiveSite,
        settings: MqttSettings,
        out: Path,
        health_port: int = 0,
        grace_s: float = 5.0,
    ) -> None:
        """Shadow ``live``'s gates through the broker of ``settings``; rows go to ``out``."""
        self.live, self.settings, self.grace_s = live, settings, grace_s
        self.prefix = live.mqtt.prefix
        self.controllers = {ref: a.controller(reserve=True) for ref, a in live.assemblies().items()}
        self.compared = 0
        self.disagreements: list[Disagreement] = []
        self.counters: Counter[str] = Counter()
        self._inbox: queue.Queue[tuple[str, str, bytes]] = queue.Queue()
        self._live: dict[tuple[str, str], _Side] = {}
        self._mine: dict[tuple[str, str], _Side] = {}
        self._seq: dict[str, int] = {}
        self._arrived: OrderedDict[tuple[str, str], None] = OrderedDict()  # bounded
        self._stop = threading.Event()
        self._started = False
        self._bus = bus_for(settings)
        self.out = out
        fresh = not out.exists() or out.stat().st_size == 0
        out.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[str] = out.open("a", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh, lineterminator="\n")
        if fresh:
            self._csv.writerow(SHADOW_COLUMNS)
            self._fh.flush()
        self.health = HealthServer(self.snapshot, live.health.host, health_port)
        self._handlers = [
            (event_topic(self.prefix, ref), self._queue_as(ref, "event"))
            for ref in self.controllers
        ] + [
            (decision_topic(self.prefix, ref), self._queue_as(ref, "decision"))
            for ref in self.controllers
        ]

    def _queue_as(self, ref: str, what: str) -> Any:
        return lambda raw: self._inbox.put((ref, what, raw))

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        """Connect (retrying while the broker is down), subscribe, serve ``/health``."""
        if not self._bus.acquire(keep=True):
            log.error("broker unreachable, reconnecting", extra={"port": self.settings.port})
        for topic, handler in self._handlers:
            self._bus.subscribe(topic, handler)
        self.health.start()
        self._started = True
        log.info(
            "shadow started",
            extra={"gates": list(self.controllers), "health_port": self.health.port},
        )

    def stop(self) -> None:
        """Ask the loop to end (safe from a signal handler)."""
        self._stop.set()

    def run(self) -> None:
        """Process journal entries and decisions until :meth:`stop`."""
        while not self._stop.is_set():
            try:
                ref, what, raw = self._inbox.get(timeout=0.2)
            except queue.Empty:
                self._sweep()
                continue
            if what == "event":
                self._on_event(ref, raw)
            else:
                self._on_decision(ref, raw)
            self._sweep()

    def shutdown(self) -> None:
        """Unsubscribe, close the CSV and the endpoint."""
        if self._started:
            for topic, handler in self._handlers:
                self._bus.unsubscribe(topic, handler)
            self._bus.release()
        self._fh.close()
        self.health.stop()
        log.info("shadow stopped", extra={"compared": self.compared, **self.counters})

    # -- comparing --------------------------------------------------------------------
    def _on_event(self, ref: str, raw: bytes) -> None:
        entry = decode_entry(raw)
        if entry is None or entry[0] != ref:
            self.counters["bad_journal_entries"] += 1
            return
        _, seq, now, event = entry
        last = self._seq.get(ref)
        if last is not None and seq != last + 1:
            self.counters["journal_gaps"] += 1
            log.warning("journal gap", extra={"gate": ref, "after": last, "got": seq})
        self._seq[ref] = seq
        if isinstance(event, TruckArrived):
            self._arrived[(ref, event.case_id)] = None
            while len(self._arrived) > 100_000:
                self._arrived.popitem(last=False)
        for cmd in self.controllers[ref].handle(event, now):
            if isinstance(cmd, RecordDecision):
                d = cmd.decision
                self._mine[(ref, d.case_id)] = (d.outcome.value, d.reasons, time.monotonic())
                self._match(ref, d.case_id)

    def _on_decision(self, ref: str, raw: bytes) -> None:
        try:
            d = json.loads(raw)["decision"]
            side = (str(d["outcome"]), tuple(str(r) for r in d["reasons"]), time.monotonic())
            case_id = str(d["case_id"])
        except (ValueError, KeyError, TypeError):
            self.counters["bad_decisions"] += 1
            return
        if (ref, case_id) not in self._arrived:
            self.counters["not_shadowed"] += 1
            return
        self._live[(ref, case_id)] = side
        self._match(ref, case_id)

    def _match(self, ref: str, case_id: str) -> None:
        key = (ref, case_id)
        if key not in self._live or key not in self._mine:
            return
        live, mine = self._live.pop(key), self._mine.pop(key)
        self.compared += 1
        if live[:2] != mine[:2]:
            self._report(Disagreement(ref, case_id, live[0], mine[0], live[1], mine[1]))

    def _sweep(self) -> None:
        now = time.monotonic()
        for side, other in ((self._live, "shadow"), (self._mine, "live")):
            for key, (outcome, reasons, seen) in list(side.items()):
                if now - seen < self.grace_s:
                    continue
                del side[key]
                self.compared += 1
                if other == "shadow":
                    d = Disagreement(*key, outcome, "none", reasons, ())
                else:
                    d = Disagreement(*key, "none", outcome, (), reasons)
                self._report(d)

    def _report(self, d: Disagreement) -> None:
        self.disagreements.append(d)
        self.disagreements = self.disagreements[-1000:]  # memory stays flat
        self.counters["disagreements"] += 1
        log.warning(
            "shadow disagrees",
            extra={
                "gate": d.gate,
                "case": d.case_id,
                "live_outcome": d.live_outcome,
                "shadow_outcome": d.shadow_outcome,
                "live_reasons": list(d.live_reasons),
                "shadow_reasons": list(d.shadow_reasons),
            },
        )
        self._csv.writerow(
            (
                utc_now(),
                d.gate,
                d.case_id,
                d.live_outcome,
                d.shadow_outcome,
                ";".join(d.live_reasons),
                ";".join(d.shadow_reasons),
            )
        )
        self._fh.flush()

    def snapshot(self) -> dict[str, Any]:
        """The shadow's ``/health``: connection, decisions compared, disagreements."""
        return {
            "service": f"{self.live.name}_shadow",
            "ready": self._bus.connected,
            "not_ready": [] if self._bus.connected else ["broker unreachable (reconnecting)"],
            "mode": "shadow",
            "compared": self.compared,
            "disagreements": self.counters["disagreements"],
            "journal_gaps": self.counters["journal_gaps"],
            "not_shadowed": self.counters["not_shadowed"],
            "waiting": {"live": len(self._live), "shadow": len(self._mine)},
            "csv": str(self.out),
        }
