"""A simulated site log: the twin's event log plus one record per device reading.

A real site knows, for each reading, whether it was right (the officer at the manual
post corrects the plate; a re-weighing corrects the weight). The twin knows the truth
outright, so a run observed here writes what such a site would export: every reading as
a ``read:<kind>`` activity on the device (START when the truck is presented, STOP when
the result comes) with its outcome — ``ok``, ``misread``, ``no_read`` (nothing came),
``down`` (the device had failed) or ``blank`` (a read of nothing, such as the container
recogniser on a truck without a container, which says only that nothing was missed).

The devices are wrapped after the twin is built (the ``on_built`` hook of
:func:`twin.experiment.run_replication`); the twin itself is unchanged and decides the
same things, so a log observed here is a log of the scenario, with more in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.gate import DeviceFault, DeviceKind, Reading
from core.trace import Lifecycle, Recorder, TraceRecord
from ftz_spec import Scenario
from twin.experiment import run_replication
from twin.model import Twin

__all__ = ["MISREAD_FRACTION", "ObservedDevice", "observe"]

# A weight (or any measured quantity) off by more than this share of the truth is a
# misread (a truck not fully on the platform), not measurement noise.
MISREAD_FRACTION = 0.05
_MEASURED = (DeviceKind.WEIGHBRIDGE, DeviceKind.RADIATION_PORTAL)
_MANY = (DeviceKind.CONTAINER_OCR, DeviceKind.E_SEAL_READER)


class _LaneCases:
    """Which case is in which lane, from the gate_check START records."""

    def __init__(self) -> None:
        self.case: dict[str, str] = {}

    def __call__(self, rec: TraceRecord) -> None:
        if rec.activity == "gate_check" and rec.lifecycle is Lifecycle.START:
            self.case[str(rec.attrs.get("lane", ""))] = rec.case_id


def _truths(kind: DeviceKind, stimulus: Any) -> tuple[Any, ...]:
    if kind is DeviceKind.CONTAINER_OCR:
        return tuple(stimulus) or ("",)
    if kind is DeviceKind.E_SEAL_READER:
        return tuple(stimulus)
    return (stimulus,)


def _outcome(kind: DeviceKind, truth: Any, result: Reading | DeviceFault) -> dict[str, Any]:
    if isinstance(result, DeviceFault):
        return {"outcome": "no_read" if result.code == "no_read" else "down"}
    if kind in _MEASURED:
        error = float(result.value) - float(truth)
        off = abs(error) > MISREAD_FRACTION * max(abs(float(truth)), 1e-9)
        return {"outcome": "misread" if off else "ok", "error": round(error, 6)}
    if kind is DeviceKind.GPS_TRACK:
        return {"outcome": "ok"}  # a track is judged by the controller, not read right or wrong
    if truth == "":
        return {"outcome": "blank"}
    return {"outcome": "ok" if result.value == truth else "misread"}


class ObservedDevice:
    """A simulated sensor that records each of its readings with its true outcome."""

    def __init__(
        self, device: Any, kind: DeviceKind, lane: str, cases: _LaneCases, rec: Recorder
    ) -> None:
        self._device = device
        self._kind = kind
        self._lane = lane
        self._cases = cases
        self._rec = rec
        self._pending: list[tuple[str, tuple[Any, ...]]] = []

    def present(self, stimulus: Any, now: float) -> float:
        """Present the truck to the device and note what it really is."""
        ready: float = self._device.present(stimulus, now)
        truths = _truths(self._kind, stimulus)
        if truths:
            case = self._cases.case.get(self._lane, "")
            self._pending.append((case, truths))
            self._rec.emit(
                case, f"read:{self._kind.value}", Lifecycle.START, self._device.device_id, now
            )
        return ready

    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """The device's results, each recorded against the truth it was shown."""
        results = self._device.read(now)
        if results and self._pending:
            case, truths = self._pending.pop(0)
            for i, result in enumerate(results):
                truth = truths[min(i, len(truths) - 1)]
                attrs = {"kind": self._kind.value, **_outcome(self._kind, truth, result)}
                self._rec.emit(
                    case,
                    f"read:{self._kind.value}",
                    Lifecycle.STOP,
                    self._device.device_id,
                    result.time_s,
                    attrs,
                )
            self._pending.clear()  # one truck per lane: nothing older can still come
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._device, name)


def _wrap(twin: Twin) -> None:
    cases = _LaneCases()
    twin.rec.add_sink(cases, first=True)
    for site in twin.sites:
        for lane, devices in site.sensors.items():
            for kind, device in list(devices.items()):
                devices[kind] = ObservedDevice(device, kind, lane, cases, twin.rec)


class _Count:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, rec: TraceRecord) -> None:
        self.n += 1


def observe(scenario: Scenario, out: Path, replication: int = 0, site: bool = False) -> int:
    """Run one replication of ``scenario``, writing its event log with device reads to ``out``.

    With ``site``, the log is written as a site's transaction CSV instead
    (docs/site-log-format.md), its times from Monday 4 March 2013, 00:00 (+08:00).

    Returns:
        The number of records (or site rows) written.
    """
    count = _Count()
    trace = out.with_name(out.name + ".trace.partial") if site else out
    run_replication(scenario, replication, event_log=trace, extra_sinks=[count], on_built=_wrap)
    if not site:
        return count.n
    from ftztwin.calibrate.logs import read_log
    from ftztwin.calibrate.sitewrite import trace_to_site

    log = read_log(trace, scenario)
    rows = trace_to_site(log.records, log.flow_of)
    rows.to_csv(out, index=False, lineterminator="\n")
    trace.unlink()
    return len(rows)
