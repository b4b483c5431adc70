"""The common machinery of simulated sensors: lifecycle, latency, misses, failures.

A subclass says only how its kind of device observes one piece of ground truth
(:meth:`SimSensor._observe`); everything else — the lifecycle, latency, misses, silent
and stuck failures, sequence numbers and the outbox read by :meth:`SimSensor.read` —
is here, so that every kind behaves alike at the port and passes the same contract.

Common random numbers: every stimulus draws its latency from one stream and a fixed
block of uniforms and normals per piece of truth from another, whatever the outcome and
whatever the parameters, and failures come from a third stream. Two runs that differ
only in a misread rate therefore see the same latencies and the same failures.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from core.gate import DeviceFault, DeviceKind, Reading
from core.gate.readings import ReadingValue
from hardware_models.ports import DeviceLifecycle, LifecycleState
from hardware_models.sim.failures import FailureMode, FailureProcess
from hardware_models.sim.params import SimSensorParams

__all__ = ["UNIFORMS", "SimSensor"]

UNIFORMS = 5  # per piece of truth: miss, misread, and three for the kind's own use
_NOMINAL_CONFIDENCE = 0.97


class SimSensor(DeviceLifecycle):
    """Base of the simulated sensors; subclasses set ``kind`` and ``_observe``."""

    kind: ClassVar[DeviceKind]
    # A scale has no confidence: a weighbridge indicator reports a weight, never how sure
    # it is (its readings carry 1.0, as the serial driver's do).
    reports_confidence: ClassVar[bool] = True

    def __init__(
        self, device_id: str, *, rng: np.random.Generator, params: SimSensorParams | None = None
    ) -> None:
        """Create the device ``device_id`` drawing from its own random stream ``rng``."""
        self.device_id = device_id
        self.params = params or SimSensorParams()
        failures, latency, observe = rng.spawn(3)
        self._failures = FailureProcess(
            failures, self.params.mttf_h, self.params.mttr_min, self.params.stuck_share
        )
        self._latency_rng = latency
        self._rng = observe
        self._seq = 0
        self._last_values: list[ReadingValue] = []
        # Results ordered by the time they become readable (a scanner's refusal comes
        # before the verdict of the scan in progress); the counter keeps ties in order.
        self._outbox: list[tuple[float, int, Reading | DeviceFault]] = []
        self._posted = itertools.count()

    @property
    def downtime_s(self) -> float:
        """Seconds spent failed so far."""
        return self._failures.downtime_s

    def downtime_at(self, now: float) -> float:
        """Seconds spent failed up to ``now`` (seconds), a failure still in progress included."""
        return self._failures.downtime_at(now)

    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """Return the readings and faults that are ready at ``now`` (seconds), oldest first."""
        if self.state is LifecycleState.FAULTED and not self._failures.is_down(now):
            self.activate()  # repaired
        out: list[Reading | DeviceFault] = []
        while self._outbox and self._outbox[0][0] <= now:
            out.append(heapq.heappop(self._outbox)[2])
        return out

    def _post(self, at: float, result: Reading | DeviceFault) -> None:
        heapq.heappush(self._outbox, (at, next(self._posted), result))

    def _fault(self, code: str, detail: str, at: float) -> DeviceFault:
        return DeviceFault(self.device_id, self.kind, code, detail, at)

    def _stimulate(self, truths: Sequence[Any], now: float) -> float:
        """Observe each piece of truth; return when the results can be read."""
        latency = max(0.0, self.params.latency_s.sample(self._latency_rng))
        # Plain floats (the same values): a comparison of numpy scalars costs ten times more.
        uniforms = self._rng.random((len(truths), UNIFORMS)).tolist()
        normals = self._rng.standard_normal(len(truths)).tolist()
        mode = self._failures.mode(now)
        if self.state is LifecycleState.FAULTED and mode is not FailureMode.DOWN:
            self.activate()  # repaired since the last stimulus
        if self.state is not LifecycleState.ACTIVE or mode is FailureMode.DOWN:
            if self.state is LifecycleState.ACTIVE:
                self.mark_faulted()
            code = "device_down" if self.state is LifecycleState.FAULTED else "not_active"
            self._post(now, self._fault(code, self.state.value, now))
            return now
        ready = now + latency
        values: list[ReadingValue] = []
        miss_rate, misread_rate = self.params.miss_rate, self.params.misread_rate
        for i, truth in enumerate(truths):
            u, z = uniforms[i], normals[i]
            if mode is FailureMode.STUCK and self._last_values:
                value, confidence = self._last_values[min(i, len(self._last_values) - 1)], 0.97
            elif u[0] < miss_rate:
                self._post(ready, self._fault("no_read", "nothing read", ready))
                continue
            elif u[1] < misread_rate:
                value, confidence = self._misread(truth, u, z), float(0.6 + 0.4 * u[4])
            else:
                value, confidence = self._observe(truth, u, z), _NOMINAL_CONFIDENCE
            values.append(value)
            if not self.reports_confidence:
                confidence = 1.0
            self._seq += 1
            reading = Reading(self.device_id, self.kind, value, confidence, self._seq, ready)
            self._post(ready, reading)
        if values and mode is FailureMode.UP:
            self._last_values = values
        return ready

    def _observe(self, truth: Any, u: Sequence[float], z: float) -> ReadingValue:
        """Return what a healthy device reads of ``truth``; ``u[2:5]`` uniforms, ``z`` normal."""
        return truth  # type: ignore[no-any-return]

    def _misread(self, truth: Any, u: Sequence[float], z: float) -> ReadingValue:
        """Return a wrong reading of ``truth``; ``u[2:4]`` are free uniforms."""
        raise NotImplementedError


# A misread swaps one glyph for the one OCR most often takes it for.
OCR_CONFUSION = {"0": "O", "O": "0", "8": "B", "B": "8", "1": "I", "I": "1", "5": "S", "S": "5"}
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def corrupt_one_glyph(text: str, u_pos: float, u_sub: float) -> str:
    """Replace one glyph of ``text`` as OCR would misread it (pure given the uniforms)."""
    if not text:
        return text
    i = min(int(u_pos * len(text)), len(text) - 1)
    ch = text[i]
    sub = OCR_CONFUSION.get(ch) or _ALNUM[min(int(u_sub * len(_ALNUM)), len(_ALNUM) - 1)]
    if sub == ch:
        sub = "X" if ch != "X" else "Y"
    return text[:i] + sub + text[i + 1 :]
