"""What the service hears besides device readings: truck arrivals and, in HIL runs, the clock.

Both arrive as signed v1 envelopes on the gate's topics and are checked like device
messages (a lane PC and the twin are devices too: ``<gate>/lane_pc``, ``<gate>/twin``),
then queued for the service's loop, which alone touches the controller.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Any

from core.gate import GatePass
from ftz_live.codec import decode_gate_pass
from hardware_models.real import Clock, EnvelopeSensor
from hardware_models.security import parse_envelope

__all__ = ["Arrival", "ArrivalReceiver", "ClockReceiver", "HilStep"]


@dataclass(frozen=True)
class Arrival:
    """A truck announced by a lane PC: with its gate pass, or the number of a registered one."""

    gate_ref: str
    lane: str
    case_id: str
    gate_pass: GatePass | None
    time_s: float
    pass_id: str = ""


@dataclass(frozen=True)
class HilStep:
    """The twin's order to step the gate at simulated time ``now``."""

    gate_ref: str
    step: int
    now: float
    tick: bool
    after: dict[str, int]  # device id -> messages the twin sent it so far
    prepare: bool = False  # only set the clock (before the twin writes a serial frame)


class _Receiver(EnvelopeSensor):
    """An envelope checker whose accepted messages go to a queue instead of an inbox."""

    def __init__(
        self,
        device_id: str,
        out: queue.Queue[Any],
        clock: Clock,
        on_full: Any = None,
        **config: Any,
    ) -> None:
        super().__init__(device_id, clock=clock, **config)
        self.out = out
        self.on_full = on_full  # told of an item the bounded queue could not take

    def on_raw(self, raw: bytes) -> None:
        """Handle one message (network thread; never raises)."""
        env = parse_envelope(raw)
        if isinstance(env, str):
            self._reject(env.partition(":")[0])
            return
        problem = self.guard.check(env, self.clock())
        if problem:
            self._reject(problem)
            return
        item = self._decode(env.value, self.guard.local_time(env))
        if item is None:
            self._reject("malformed")
            return
        try:
            self.out.put_nowait(item)
        except queue.Full:
            # Overloaded: refused and counted at once, never held in an unbounded buffer.
            self.counters.reject("overload")
            if self.on_full is not None:
                self.on_full(item)
            return
        self.counters.accept()
        if self.notify is not None:
            self.notify()

    def _decode(self, value: Any, at: float) -> Any:
        raise NotImplementedError


class ArrivalReceiver(_Receiver):
    """Arrivals of one gate from ``<gate>/lane_pc``.

    ``{"lane", "case_id", "pass_id"}`` names a pass registered with the service (what a
    real lane PC knows: the number read from the driver's card); ``{"lane", "case_id",
    "gate_pass": {...}}`` carries the pass itself (hardware-in-the-loop runs, tests);
    ``"gate_pass": null`` announces a truck without one.
    """

    def __init__(self, gate_ref: str, out: queue.Queue[Any], clock: Clock, **config: Any) -> None:
        """Check messages of ``<gate_ref>/lane_pc`` and queue arrivals on ``out``.

        ``on_full`` (in ``config``) is told of an arrival the full queue refused.
        """
        super().__init__(f"{gate_ref}/lane_pc", out, clock, **config)
        self.gate_ref = gate_ref

    def _decode(self, value: Any, at: float) -> Arrival | None:
        if not isinstance(value, dict):
            return None
        lane, case_id, raw_pass = value.get("lane"), value.get("case_id"), value.get("gate_pass")
        if not isinstance(lane, str) or not lane.startswith(self.gate_ref + "/"):
            return None
        if not isinstance(case_id, str) or not case_id or len(case_id) > 64:
            return None
        pass_id = value.get("pass_id", "")
        if not isinstance(pass_id, str) or len(pass_id) > 64:
            return None
        gp = None if raw_pass is None else decode_gate_pass(raw_pass)
        if raw_pass is not None and gp is None:
            return None
        return Arrival(self.gate_ref, lane, case_id, gp, at, pass_id)


class ClockReceiver(_Receiver):
    """HIL steps of one gate: ``{"step", "tick", "after", "prepare"}`` from ``<gate>/twin``."""

    def __init__(self, gate_ref: str, out: queue.Queue[Any], clock: Clock, **config: Any) -> None:
        """Check messages of ``<gate_ref>/twin`` and queue steps on ``out``."""
        super().__init__(f"{gate_ref}/twin", out, clock, **config)
        self.gate_ref = gate_ref

    def _decode(self, value: Any, at: float) -> HilStep | None:
        if not isinstance(value, dict):
            return None
        step, after = value.get("step"), value.get("after", {})
        if not isinstance(step, int) or not isinstance(after, dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, int) for k, v in after.items()):
            return None
        tick, prepare = bool(value.get("tick", False)), bool(value.get("prepare", False))
        return HilStep(self.gate_ref, step, at, tick, after, prepare)
