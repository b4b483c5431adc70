"""The weighbridge indicator on a serial line (pyserial), Mettler-Toledo continuous output.

The indicator streams frames all the time. The driver turns the stream into one
reading per weighing: once the platform was empty (below ``threshold_kg``), the first
``stable_frames`` consecutive stable frames above it give the gross weight. A frame
flagged out of range while loaded is a ``no_read``; a power-up flag (zero not
captured) is ``device_down`` until a normal frame comes. Frames carry no clock: each is
stamped with the runtime's clock as it arrives.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import serial

from core.gate import DeviceKind
from hardware_models.real import BufferedSensor
from hardware_models.serial.toledo import ToledoFrame, parse_frame, split_frames

__all__ = ["SerialToledoWeighbridge"]

log = logging.getLogger(__name__)


class SerialToledoWeighbridge(BufferedSensor):
    """Electronic weighbridge (电子地磅) read from a Toledo indicator over RS-232."""

    kind = DeviceKind.WEIGHBRIDGE

    def __init__(
        self,
        device_id: str,
        *,
        port: str = "/dev/ttyS0",
        baudrate: int = 9600,
        checksum: bool = True,
        threshold_kg: float = 500.0,
        stable_frames: int = 3,
        **config: Any,
    ) -> None:
        """Create the driver; the port is opened by :meth:`configure`.

        Args:
            device_id: ``<zone>/<gate>/<device>``.
            port: Serial device path (a pty in tests and hardware-in-the-loop runs).
            baudrate: Line speed.
            checksum: Whether the indicator appends the checksum byte.
            threshold_kg: Below this the platform counts as empty (re-arms weighing).
            stable_frames: Consecutive stable frames that make a weight final.
            **config: ``clock`` (the runtime's clock); others are ignored.
        """
        super().__init__(device_id, **config)
        self.port, self.baudrate, self.checksum = port, baudrate, checksum
        self.threshold_kg, self.stable_frames = threshold_kg, stable_frames
        self._serial: serial.Serial | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._armed = True
        self._stable = 0
        self._down = False

    def _open(self) -> bool:
        try:
            self._serial = serial.Serial(self.port, self.baudrate, timeout=0.05)
        except (serial.SerialException, OSError, ValueError) as exc:
            log.warning("cannot open %s for %s: %s", self.port, self.device_id, exc)
            return False
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._pump, daemon=True, name=f"serial:{self.device_id}"
        )
        self._thread.start()
        return True

    def _close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        if self._serial is not None:
            self._serial.close()
        self._serial = None

    def _pump(self) -> None:
        """Read the line until closed (driver thread)."""
        buffer = b""
        port = self._serial
        while not self._stop.is_set() and port is not None:
            try:
                chunk = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError, TypeError) as exc:
                # TypeError: pyserial's read on a port closed under it; either way the
                # line is gone and the passage will fail closed on its timeout.
                log.warning("serial line %s lost: %s", self.port, exc)
                return
            if not chunk:
                continue
            frames, buffer, skipped = split_frames(buffer + chunk, self.checksum)
            if skipped:
                self.counters.reject("garbage")
            for raw in frames:
                self.on_frame(raw)

    def on_frame(self, raw: bytes) -> None:
        """Handle one candidate frame (driver thread; public so it can be fuzzed)."""
        frame = parse_frame(raw, self.checksum)
        if isinstance(frame, str):
            self.counters.reject(frame)
            return
        self.counters.accept()
        self._weigh(frame, self.clock())

    def _weigh(self, f: ToledoFrame, at: float) -> None:
        if f.power_up:
            if not self._down:
                self._down = True
                self._deliver("down", None, at)
            return
        if self._down:
            self._down = False
            self._deliver("up", None, at)
        loaded = f.gross_kg >= self.threshold_kg
        if not loaded and not f.out_of_range:
            self._armed, self._stable = True, 0
            return
        if not self._armed:
            return
        if f.out_of_range:
            self._armed = False
            self._deliver("no_read", None, at)
            return
        self._stable = 0 if f.motion else self._stable + 1
        if self._stable >= self.stable_frames:
            self._armed = False
            self._deliver("ok", f.gross_kg, at)
