"""A barrier PLC served over Modbus TCP (pymodbus server on its own thread).

Hardware-in-the-loop runs serve it from the twin, so the live core's barrier commands
travel over real Modbus; tests serve it as the protocol peer of :class:`ModbusBarrier`.
Per barrier (register base) it counts the OPEN commands received and can be set to
answer as a stuck barrier or as an unreachable PLC behind a gateway, or to take commands
and not move (``ignore``: a broken drive). It reports each barrier in its status input
registers (position, last command carried out; :mod:`hardware_models.modbus.registers`):
raised for ``hold_s`` after an OPEN.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from hardware_models.modbus.registers import CMD_OPEN, WRITE_MULTIPLE, parse_command

READ_INPUT = 4

__all__ = ["BarrierPlc"]

Listener = Callable[[int, int], None]  # (register base, command seq)


class BarrierPlc:
    """A PLC with ``registers`` holding registers; start() serves it on loopback."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, registers: int = 1024, hold_s: float = 2.0
    ) -> None:
        """Serve on ``host:port`` (0 picks a free port, see :attr:`port`)."""
        self.host, self.port = host, port
        self.opens: Counter[int] = Counter()
        self.writes: Counter[int] = Counter()
        self.functions: Counter[int] = Counter()  # every function code asked, reads included
        self.stuck: set[int] = set()
        self.down_writes: dict[int, range] = {}  # base -> write numbers answered as "down"
        self.ignore: set[int] = set()  # bases that take commands but do not move
        self.listeners: list[Listener] = []
        self.hold_s = hold_s
        self._done: dict[int, tuple[int, float]] = {}  # base -> (seq carried out, when)

        def block(datatype: DataType) -> list[SimData]:
            return [SimData(address=0, count=registers, datatype=datatype)]

        self._device = SimDevice(
            id=0,  # 0: answer every unit id
            # Separate blocks: holding registers (commands) and input registers (status).
            simdata=(
                block(DataType.BITS),
                block(DataType.BITS),
                block(DataType.REGISTERS),
                block(DataType.REGISTERS),
            ),
            action=self._action,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: ModbusTcpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> BarrierPlc:
        """Start serving on a thread of its own; returns when the port is listening."""
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True, name="plc")
        self._thread.start()
        if not ready.wait(5.0):
            raise RuntimeError(f"Modbus PLC did not start on {self.host}:{self.port}")
        return self

    def stop(self) -> None:
        """Stop serving."""
        loop, server = self._loop, self._server
        if loop is not None and server is not None:
            asyncio.run_coroutine_threadsafe(server.shutdown(), loop).result(5.0)
        if self._thread is not None:
            self._thread.join(5.0)

    def _serve(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop

        async def main() -> None:
            self._server = ModbusTcpServer(self._device, address=(self.host, self.port))
            await self._server.serve_forever(background=True)
            sockets = getattr(self._server.transport, "sockets", None) or []
            if sockets:
                self.port = sockets[0].getsockname()[1]
            ready.set()
            await self._server.serving

        try:
            loop.run_until_complete(main())
        finally:
            loop.close()

    async def _action(
        self,
        function_code: int,
        _start: int,
        address: int,
        _count: int,
        _registers: list[int],
        values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        self.functions[function_code] += 1
        if function_code == READ_INPUT:
            self._status(_start, address, _count, _registers)
            return None
        if function_code != WRITE_MULTIPLE or values is None:
            return None
        cmd = parse_command([int(v) for v in values])
        if cmd is None:
            return ExcCodes.ILLEGAL_VALUE
        self.writes[address] += 1
        if self.writes[address] in self.down_writes.get(address, range(0)):
            return ExcCodes.GATEWAY_NO_RESPONSE
        if address in self.stuck:
            return ExcCodes.DEVICE_FAILURE
        if cmd[0] == CMD_OPEN:
            self.opens[address] += 1
            if address not in self.ignore:
                self._done[address] = (cmd[1], time.monotonic())
            for listener in self.listeners:
                listener(address, cmd[1])
        return None

    def _status(self, start: int, address: int, count: int, registers: list[int]) -> None:
        """Fill the requested status input registers from the barriers' state."""
        now = time.monotonic()
        for base in (address, address - 1):
            if base not in self._done:
                continue
            seq, at = self._done[base]
            values = {base: int(now - at < self.hold_s), base + 1: seq}
            for reg, value in values.items():
                if address <= reg < address + count:
                    registers[reg - start] = value
