"""The lane barrier over Modbus TCP (pymodbus 3): the core's only write path to a PLC.

``write(OpenBarrier)`` sends one *Write Multiple Registers* request and waits for the
PLC's answer (a loopback round trip is well under a millisecond; ``timeout_s`` bounds
it on a real network). Exceptions from the PLC and lost connections become faults:
``stuck``, ``device_down`` (the barrier faults, and recovers on the next good write)
or ``plc_error``. Nothing read back ever feeds a decision: :meth:`read_commanded`
(the SEQUENCE holding register: the last command number the PLC received) settles a
reservation after a restart, and :meth:`read_state` (the barrier's status input
registers: position, last command carried out) tells whether the barrier followed.
"""

from __future__ import annotations

import threading
from typing import Any

from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusException

from core.gate import DeviceFault, DeviceKind, OpenBarrier
from hardware_models.modbus.registers import STATUS_COUNT, fault_code, open_command
from hardware_models.ports import DeviceLifecycle, LifecycleState

__all__ = ["ModbusBarrier"]


class ModbusBarrier(DeviceLifecycle):
    """A barrier behind a PLC; takes :class:`core.gate.OpenBarrier`."""

    kind = DeviceKind.BARRIER
    numbered = True  # write() takes the command number the caller logged (seq=)

    def __init__(
        self,
        device_id: str,
        *,
        host: str = "127.0.0.1",
        port: int = 502,
        unit: int = 1,
        register: int = 0,
        timeout_s: float = 0.5,
        **ignored: Any,
    ) -> None:
        """Create the driver; nothing connects before :meth:`configure`.

        Args:
            device_id: ``<zone>/<gate>/<device>``.
            host: The PLC (or Modbus gateway) address.
            port: Its Modbus TCP port.
            unit: The Modbus unit (device) id of the PLC.
            register: First of the barrier's two holding registers.
            timeout_s: How long to wait for the PLC's answer.
            **ignored: Accepted for a uniform constructor (e.g. ``rng``).
        """
        self.device_id = device_id
        self.host, self.port, self.unit, self.register = host, port, unit, register
        self.timeout_s = timeout_s
        self.sent = 0
        self._seq = 0
        self._lock = threading.Lock()
        self._client: ModbusTcpClient | None = None

    def configure(self) -> bool:
        """Prepare the connection (it is opened, and reopened, on the first write)."""
        if self.state is not LifecycleState.UNCONFIGURED:
            return False
        self._client = ModbusTcpClient(
            self.host, port=self.port, timeout=self.timeout_s, retries=0, reconnect_delay=0.1
        )
        return self._transition("configure")

    def finalize(self) -> bool:
        """Close the connection for good."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
        return self._transition("finalize")

    def write(self, command: object, now: float, seq: int | None = None) -> DeviceFault | None:
        """Send ``command`` to the PLC at ``now``; return a fault instead of raising.

        ``seq`` is the command number (the caller's durable count, which continues
        across restarts); the driver's own count when None.
        """
        if self.state not in (LifecycleState.ACTIVE, LifecycleState.FAULTED):
            return self._fault("not_active", self.state.value, now)
        if not isinstance(command, OpenBarrier):
            return self._fault("bad_command", type(command).__name__, now)
        with self._lock:
            self._seq = self._seq + 1 if seq is None else seq
            code, detail = self._send(open_command(self._seq))
        if code == "device_down":
            self.mark_faulted()
        if code:
            return self._fault(code, detail, now)
        if self.state is LifecycleState.FAULTED:
            self.activate()  # the PLC answers again: repaired
        self.sent += 1
        return None

    def read_commanded(self) -> int | None:
        """The last command number the PLC received (modulo 65 536); None if unreadable."""
        regs = self._read(
            lambda c: c.read_holding_registers(self.register, count=2, device_id=self.unit)
        )
        return None if regs is None else regs[1]

    def read_state(self) -> tuple[int, int] | None:
        """``(position, last command carried out)`` from the PLC; None if unreadable.

        Position 1 is raised, 0 lowered (the status input registers, docs/protocols.md).
        """
        regs = self._read(
            lambda c: c.read_input_registers(self.register, count=STATUS_COUNT, device_id=self.unit)
        )
        return None if regs is None else (regs[0], regs[1])

    def _read(self, request: Any) -> list[int] | None:
        with self._lock:
            client = self._client
            if client is None:
                return None
            try:
                if not client.connected and not client.connect():
                    return None
                rr = request(client)
            except (ModbusException, OSError):
                client.close()
                return None
        if rr.isError() or len(getattr(rr, "registers", [])) < 2:
            return None
        return [int(v) for v in rr.registers]

    def _send(self, values: list[int]) -> tuple[str, str]:
        client = self._client
        if client is None:
            return "device_down", "not connected"
        try:
            if not client.connected and not client.connect():
                return "device_down", f"cannot connect to {self.host}:{self.port}"
            rr = client.write_registers(self.register, values, device_id=self.unit)
        except (ModbusException, OSError) as exc:
            client.close()
            return "device_down", f"{type(exc).__name__}: {exc}"
        if rr.isError():
            exc_code = int(getattr(rr, "exception_code", 0))
            return fault_code(exc_code), f"modbus exception {exc_code}"
        return "", ""

    def _fault(self, code: str, detail: str, now: float) -> DeviceFault:
        return DeviceFault(self.device_id, self.kind, code, detail, now)
