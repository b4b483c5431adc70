"""What an engineer sees of a running gate: decision and rejection log lines, the topics.

* one JSON log line per decision (gate, lane, case, gate pass, outcome, reasons, the
  readings used with device ids and sequence numbers) and per discarded reading;
* one per rejected message (device, reason), at most :data:`LINES_PER_S` a second per
  device so a flood cannot drown the log (the rest are counted and the next line says
  how many were suppressed);
* every decision on the gate's decision topic (the ``monitor`` broker user reads it);
* every event fed to a controller on the gate's event topic (the journal shadow mode
  replays, :mod:`ftz_live.journal`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from typing import Any

from core.gate import DiscardReading, Hold, RecordDecision
from core.gate.messages import Event
from ftz_live.codec import encode_decision
from ftz_live.journal import encode_entry
from ftz_live.trace_file import utc_now
from hardware_models.mqtt import MqttBus, decision_topic, event_topic

__all__ = ["LINES_PER_S", "Visibility"]

log = logging.getLogger("ftztwin.live")
LINES_PER_S = 5


class Visibility:
    """Logs and publishes a service's decisions, discards, rejections and events."""

    def __init__(self, bus: MqttBus, prefix: str, journal: bool = True) -> None:
        """Publish through ``bus`` under ``prefix``; ``journal`` publishes the events too."""
        self.bus, self.prefix, self.journal = bus, prefix, journal
        self.outcomes: Counter[str] = Counter()
        self.discarded: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.held: Counter[str] = Counter()  # trucks told to wait, by reason (lane_busy …)
        self.refused_arrivals: Counter[str] = Counter()  # by reason (overload)
        self.reasons: Counter[tuple[str, str]] = Counter()  # (outcome, reason) of decisions
        self.unpublished = 0  # decisions or events the broker could not take (counted)
        self._seq: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._window: dict[str, tuple[float, int, int]] = {}  # device -> (start, lines, held)

    def decision(self, gate_ref: str, cmd: RecordDecision) -> None:
        """Log, count and publish one decision."""
        d = cmd.decision
        self.outcomes[d.outcome.value] += 1
        for reason in d.reasons:
            self.reasons[(d.outcome.value, reason)] += 1
        body = encode_decision(d)
        log.info(
            "decision",
            extra={
                "gate": gate_ref,
                "lane": d.lane,
                "case": d.case_id,
                "gate_pass": d.pass_id,
                "outcome": d.outcome.value,
                "reasons": list(d.reasons),
                "readings": [{"device": dev, "seq": seq} for dev, seq in d.readings],
                "time_s": d.time_s,
            },
        )
        message = {"v": 1, "gate": gate_ref, "type": "RecordDecision", "decision": body}
        message["wall_time"] = utc_now()
        payload = json.dumps(message, ensure_ascii=False).encode()
        if not self.bus.publish(decision_topic(self.prefix, gate_ref), payload):
            self.unpublished += 1

    def discard(self, gate_ref: str, cmd: DiscardReading) -> None:
        """Log and count a reading the controller discarded."""
        self.discarded[cmd.reason] += 1
        log.warning(
            "reading discarded",
            extra={
                "gate": gate_ref,
                "lane": cmd.lane,
                "device": cmd.device_id,
                "seq": cmd.seq,
                "reason": cmd.reason,
            },
        )

    def hold(self, gate_ref: str, cmd: Hold) -> None:
        """Count an arrival (or passage) told to wait; log those the lane could not take."""
        self.held[cmd.reason] += 1
        if cmd.reason == "lane_busy":
            self._limited(
                f"{gate_ref}/hold",
                "arrival held",
                {"gate": gate_ref, "lane": cmd.lane, "case": cmd.case_id, "reason": cmd.reason},
            )

    def overload(self, gate_ref: str, lane: str, case_id: str) -> None:
        """Count and log (rate-limited) an arrival refused because the service is saturated."""
        with self._lock:
            self.refused_arrivals["overload"] += 1
        self._limited(
            f"{gate_ref}/overload",
            "arrival refused",
            {"gate": gate_ref, "lane": lane, "case": case_id, "reason": "overload"},
        )

    def _limited(self, key: str, message: str, extra: dict[str, Any]) -> None:
        now = time.monotonic()
        with self._lock:
            start, lines, held = self._window.get(key, (now, 0, 0))
            if now - start >= 1.0:
                start, lines = now, 0
            if lines >= LINES_PER_S:
                self._window[key] = (start, lines, held + 1)
                return
            self._window[key] = (start, lines + 1, 0)
        if held:
            extra["suppressed"] = held
        log.warning(message, extra=extra)

    def rejected_message(self, device_id: str, reason: str) -> None:
        """Log (rate-limited) and count a message a driver rejected; any thread."""
        now = time.monotonic()
        with self._lock:
            self.rejected[reason] += 1
            start, lines, held = self._window.get(device_id, (now, 0, 0))
            if now - start >= 1.0:
                start, lines = now, 0
            if lines >= LINES_PER_S:
                self._window[device_id] = (start, lines, held + 1)
                return
            self._window[device_id] = (start, lines + 1, 0)
        extra: dict[str, Any] = {"device": device_id, "reason": reason}
        if held:
            extra["suppressed"] = held
        log.warning("message rejected", extra=extra)

    def event(self, gate_ref: str, event: Event, now: float) -> None:
        """Publish one controller input on the gate's event topic (the journal)."""
        if not self.journal:
            return
        self._seq[gate_ref] += 1
        payload = encode_entry(gate_ref, self._seq[gate_ref], now, event)
        if not self.bus.publish(event_topic(self.prefix, gate_ref), payload):
            self.unpublished += 1

    def snapshot(self) -> dict[str, Any]:
        """Counters for the health endpoint."""
        return {
            "decisions": dict(self.outcomes),
            "discarded_readings": dict(self.discarded),
            "rejected_messages": dict(self.rejected),
            "holds": dict(self.held),
            "refused_arrivals": dict(self.refused_arrivals),
            "unpublished": self.unpublished,
        }
