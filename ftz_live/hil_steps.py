"""The service's side of a hardware-in-the-loop run: the twin's clock and its steps.

In a HIL run the service takes its time from the twin: each step message says the
simulated time and how many messages the twin sent each device so far. The service
waits until its drivers handled them all, sets its clock, reads every sensor of the
gate, lets the core decide, carries out the commands (barrier commands over Modbus to
the twin's PLC) and answers with the commands. A *prepare* step only sets the clock:
the twin sends one before it writes a weighbridge frame on a serial line, which carries
no time, so that the driver stamps the frame with the twin's time.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from ftz_live.codec import encode_command
from ftz_live.inputs import HilStep
from hardware_models.mqtt import hil_ack_topic
from hardware_models.security import encode_envelope

__all__ = ["HilStepper", "SimTime"]

log = logging.getLogger("ftztwin.live")
_SYNC_WAIT_S = 5.0


class SimTime:
    """The twin's simulated time, as last announced by a HIL step (origin 0)."""

    origin = 0.0

    def __init__(self) -> None:
        """Start at 0."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the last announced simulated time."""
        return self.now


def _handled(dev: Any) -> int:
    return int(dev.counters.accepted + dev.counters.rejected())


class HilStepper:
    """Runs a service's loop on the twin's steps."""

    def __init__(self, service: Any) -> None:
        """Step the gates of ``service`` (a :class:`ftz_live.service.GateService`)."""
        self.service = service
        self.sync_timeouts = 0

    def run(self, stop: threading.Event) -> None:
        """Handle steps until ``stop`` is set."""
        steps: queue.Queue[HilStep] = self.service._steps
        while not stop.is_set():
            try:
                step = steps.get(timeout=0.1)
            except queue.Empty:
                continue
            self.step(step)

    def _wait_for(self, after: dict[str, int]) -> None:
        svc = self.service
        deadline = time.monotonic() + _SYNC_WAIT_S
        for dev_id, sent in after.items():
            dev = svc.devices.get(dev_id) or next(
                (r for r in svc.receivers if r.device_id == dev_id), None
            )
            while dev is not None and _handled(dev) < sent and time.monotonic() < deadline:
                time.sleep(0.0002)
            if dev is None or _handled(dev) < sent:
                self.sync_timeouts += 1
                log.warning("hil step before its messages arrived", extra={"device": dev_id})

    def step(self, s: HilStep) -> None:
        """Carry out one step and answer it."""
        svc = self.service
        self._wait_for(s.after)
        svc.clock.now = s.now
        commands: list[Any] = []
        if not s.prepare:
            gate = svc.gates[s.gate_ref]
            commands = svc.take_arrivals(s.now) + gate.step(s.now)
            if s.tick:
                commands += gate.tick(s.now)
        body = {"step": s.step, "commands": [encode_command(c) for c in commands]}
        payload = encode_envelope(f"{s.gate_ref}/core", s.step, s.now, "ok", body)
        svc._bus.publish(hil_ack_topic(svc.prefix, s.gate_ref), payload)
