"""Simulated devices in a live site: shown each passage by a generator or a recorded feed.

In the twin a simulated device is shown the truck's ground truth by the twin. In a live
site (``driver: sim.plate_camera`` in a site file, for a lane whose camera is not
installed yet, a demonstration, a load test) there is no twin: :class:`FedSimSensor`
wraps the simulated model and, when the lane PC announces a passage, shows it

* by default the truth a gate pass implies: an honest truck that carries what its pass
  declares (its plate, tag, card, containers, weight, intact seals, the declared route),
  read through the model's latency, noise, misreads and failures; or
* with a recorded feed (``feed: FILE``, JSON lines
  ``{"case_id": "T1", "device": "plate_camera", "value": "沪A12345"}``, values in the
  protocol's JSON form of docs/protocols.md), the values recorded for that passage.

Either way the readings come out of ``read(now)`` like any driver's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.gate import DeviceFault, DeviceKind, EPlateRead, GatePass, Reading, SealRead
from hardware_models.errors import DeviceParamsError
from hardware_models.real.values import decode_value
from hardware_models.sim.gps_track import track_along
from hardware_models.sim.h986_scanner import ScanSubject

__all__ = ["FedSimSensor", "RecordedFeed", "truth_from_pass"]

K = DeviceKind
_MULTI = (K.CONTAINER_OCR, K.E_SEAL_READER)  # one value per container / seal
_SPEED_MPS = 16.0


def truth_from_pass(kind: DeviceKind, gp: GatePass, gate_ref: str, now: float) -> Any:
    """What a device of ``kind`` at ``gate_ref`` sees of an honest truck holding ``gp``.

    Returns None when there is nothing to show (no declared route, a departure gate).
    """
    if kind is K.PLATE_CAMERA:
        return gp.plate
    if kind is K.E_PLATE_READER:
        return EPlateRead(gp.e_plate_id or f"EP{gp.plate}", gp.plate)
    if kind is K.IC_CARD_READER:
        return gp.ic_card_id or None
    if kind is K.CONTAINER_OCR:
        return gp.container_numbers
    if kind is K.WEIGHBRIDGE:
        return gp.declared_total_kg if gp.declared_total_kg is not None else 0.0
    if kind is K.E_SEAL_READER:
        return tuple(SealRead(s, True) for s in gp.seal_ids)
    if kind is K.GPS_TRACK:
        route = gp.transfer
        if route is None or route.to_gate not in ("", gate_ref) or len(route.waypoints) < 2:
            return None
        return track_along(route.waypoints, now - 3600.0, _SPEED_MPS, 60.0)
    if kind is K.RADIATION_PORTAL:
        return 1.0
    return None


class RecordedFeed:
    """Recorded device values per passage and device name, read from JSON lines."""

    def __init__(self, values: dict[tuple[str, str], list[Any]]) -> None:
        """Hold ``{(case_id, device name): [raw JSON values]}``."""
        self.values = values

    @classmethod
    def load(cls, path: str | Path) -> RecordedFeed:
        """Read a feed file.

        Raises:
            DeviceParamsError: The file is missing or a line is not a feed entry; the
                message names the file and the line.
        """
        values: dict[tuple[str, str], list[Any]] = defaultdict(list)
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise DeviceParamsError(f"feed: cannot read {path}: {exc}") from None
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                key = (str(entry["case_id"]), str(entry["device"]))
                values[key].append(entry["value"])
            except (ValueError, KeyError, TypeError):
                raise DeviceParamsError(
                    f"feed: {path}:{n}: expected {{case_id, device, value}} (got {line[:80]!r})"
                ) from None
        return cls(dict(values))

    def truth(self, kind: DeviceKind, case_id: str, device: str) -> Any:
        """The recorded values of ``device`` for ``case_id`` as the model's truth; None if none.

        Raises:
            DeviceParamsError: A recorded value is not a valid value of ``kind``.
        """
        raw = self.values.get((case_id, device))
        if raw is None:
            return None
        decoded = [decode_value(kind, v) for v in raw]
        if any(v is None for v in decoded):
            raise DeviceParamsError(f"feed: {case_id}/{device}: invalid {kind.value} value {raw!r}")
        return tuple(decoded) if kind in _MULTI else decoded[-1]


class FedSimSensor:
    """A simulated sensor that a live site names: shown every passage the lane PC announces."""

    def __init__(
        self, device: Any, name: str, gate_ref: str, feed: RecordedFeed | None = None
    ) -> None:
        """Wrap the simulated ``device`` (its site-file name ``name``) of gate ``gate_ref``."""
        self.device, self.name, self.gate_ref, self.feed = device, name, gate_ref, feed
        self.device_id: str = device.device_id
        self.kind: DeviceKind = device.kind
        self.shown = 0  # passages shown
        self.not_in_feed = 0  # passages the recorded feed holds nothing for (counted)

    @property
    def state(self) -> Any:
        """The wrapped device's lifecycle state."""
        return self.device.state

    def configure(self) -> bool:
        """Configure the model."""
        return bool(self.device.configure())

    def activate(self) -> bool:
        """Activate the model."""
        return bool(self.device.activate())

    def deactivate(self) -> bool:
        """Deactivate the model."""
        return bool(self.device.deactivate())

    def finalize(self) -> bool:
        """Finalize the model."""
        return bool(self.device.finalize())

    def read(self, now: float) -> Sequence[Reading | DeviceFault]:
        """What the model has ready at ``now``."""
        return self.device.read(now)  # type: ignore[no-any-return]

    def passage_started(self, case_id: str, gate_pass: GatePass | None, now: float) -> None:
        """Show the model the truck of passage ``case_id`` (called at its arrival)."""
        if self.kind is K.H986_SCANNER:
            return  # a scanner is shown a truck only when the core requests a scan
        if self.feed is not None:
            truth = self.feed.truth(self.kind, case_id, self.name)
            if truth is None:
                self.not_in_feed += 1
                return
        elif gate_pass is None:
            return
        else:
            truth = truth_from_pass(self.kind, gate_pass, self.gate_ref, now)
        if truth is not None:
            self.shown += 1
            self.device.present(truth, now)

    def request(self, command: Any, now: float) -> float:
        """Scan the truck of ``command`` (a :class:`core.gate.RequestScan`); a clean load."""
        anomaly = False
        if self.feed is not None:
            anomaly = self.feed.truth(self.kind, command.case_id, self.name) == "suspect"
        return float(self.device.request(ScanSubject(command.case_id, anomaly), now))

    def is_busy(self, now: float) -> bool:
        """Whether a scan is in progress."""
        return bool(self.device.is_busy(now))
