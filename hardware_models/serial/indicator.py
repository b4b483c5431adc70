"""The indicator side of the serial line: writes Toledo frames (HIL runs, tests)."""

from __future__ import annotations

import contextlib

import serial

from hardware_models.serial.toledo import encode_frame

__all__ = ["ToledoIndicator"]


class ToledoIndicator:
    """Writes continuous-output frames to a serial port (one end of a pty pair)."""

    def __init__(self, port: str, baudrate: int = 9600, checksum: bool = True) -> None:
        """Open ``port`` for writing."""
        self.checksum = checksum
        self._serial = serial.Serial(port, baudrate, timeout=0.5, write_timeout=1.0)

    def send(self, gross_kg: float, tare_kg: float = 0.0, **flags: bool) -> None:
        """Write one frame (flags: ``motion``, ``out_of_range``, ``power_up``)."""
        self.write_raw(encode_frame(gross_kg, tare_kg, with_checksum=self.checksum, **flags))

    def weigh(self, gross_kg: float, stable_frames: int = 3) -> None:
        """Write a whole weighing: empty platform, truck rolling on, stable weight."""
        self.send(0.0)
        self.send(gross_kg * 0.6, motion=True)
        for _ in range(stable_frames):
            self.send(gross_kg)

    def write_raw(self, data: bytes) -> None:
        """Write bytes as they are (tests send garbage with it)."""
        self._serial.write(data)
        self._serial.flush()

    def close(self) -> None:
        """Close the port."""
        self._serial.close()


class PtyIndicator:
    """A weighbridge indicator on the master side of a pseudo-terminal (no socat needed).

    The twin of a hardware-in-the-loop run writes its weighbridge's frames here; the live
    service opens :attr:`port` (the slave side) with ``serial.toledo_weighbridge`` as it
    would open ``/dev/ttyUSB0``.
    """

    def __init__(self, checksum: bool = True) -> None:
        """Open a new pty pair in raw mode."""
        import os
        import tty

        self.checksum = checksum
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no line discipline: a CR must stay a CR
        self.port = os.ttyname(self._slave)
        self.frames = 0

    def send(self, gross_kg: float, tare_kg: float = 0.0, **flags: bool) -> None:
        """Write one frame (flags: ``motion``, ``out_of_range``, ``power_up``)."""
        import os

        os.write(
            self._master, encode_frame(gross_kg, tare_kg, with_checksum=self.checksum, **flags)
        )
        self.frames += 1

    def weigh(self, gross_kg: float, stable_frames: int = 3) -> int:
        """Write a whole weighing (empty, rolling on, stable); return the frames written."""
        self.send(0.0)
        self.send(gross_kg * 0.6, motion=True)
        for _ in range(stable_frames):
            self.send(gross_kg)
        return 2 + stable_frames

    def close(self) -> None:
        """Close both sides."""
        import os

        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
