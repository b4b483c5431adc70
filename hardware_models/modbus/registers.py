"""The barrier PLC's Modbus register map (v1), documented in ``docs/protocols.md``.

Each barrier owns two holding registers from its ``register`` base:

=========  ===========  ================================================
offset     name         written by the core
=========  ===========  ================================================
0          COMMAND      1 = OPEN (lift for one vehicle, the PLC lowers it)
1          SEQUENCE     the command's sequence number, modulo 65 536
=========  ===========  ================================================

Both are written in one *Write Multiple Registers* (function 16) request, so the PLC
never sees a command without its sequence number. The PLC reports the barrier in two
input registers (function 4) at the same base:

=========  ===========  ================================================
offset     name         set by the PLC
=========  ===========  ================================================
0          POSITION     1 = raised, 0 = lowered
1          DONE         sequence number of the last command carried out
=========  ===========  ================================================

The service reads them back after a command (an alarm when the barrier does not follow)
and the SEQUENCE holding register after a restart (was the last reservation's command
received?); nothing read from Modbus feeds a decision.
"""

from __future__ import annotations

__all__ = [
    "CMD_OPEN",
    "DOWN_EXCEPTIONS",
    "STATUS_COUNT",
    "STUCK_EXCEPTION",
    "WRITE_MULTIPLE",
    "fault_code",
    "open_command",
    "parse_command",
    "seq_reached",
]

CMD_OPEN = 1
STATUS_COUNT = 2  # input registers per barrier: POSITION, DONE
WRITE_MULTIPLE = 16
STUCK_EXCEPTION = 0x04  # server device failure: the PLC could not move the barrier
DOWN_EXCEPTIONS = frozenset({0x0A, 0x0B})  # a gateway cannot reach the PLC


def open_command(seq: int) -> list[int]:
    """Return the register values of OPEN with sequence number ``seq``."""
    return [CMD_OPEN, seq % 65_536]


def parse_command(values: list[int]) -> tuple[int, int] | None:
    """Return ``(command, seq)`` from written register values, None if not a command."""
    if len(values) != 2 or not all(isinstance(v, int) and 0 <= v < 65_536 for v in values):
        return None
    return values[0], values[1]


def seq_reached(seen: int, seq: int) -> bool:
    """Whether command ``seq`` is at or before ``seen`` (modulo 65 536, RFC 1982)."""
    return (seen - seq) % 65_536 < 32_768


def fault_code(exception_code: int) -> str:
    """Map a Modbus exception response to a device fault code."""
    if exception_code == STUCK_EXCEPTION:
        return "stuck"
    if exception_code in DOWN_EXCEPTIONS:
        return "device_down"
    return "plc_error"
