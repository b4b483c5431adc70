"""The live runtime: the second composition root, with the wall clock and real drivers.

It wires the very same :class:`core.gate.GateController` that decides in the twin to
device drivers chosen per device by one line of configuration. Nothing starts on import.
"""

from live.clock import WallClock
from live.runtime import LiveGate, build_live_gate

__all__ = ["LiveGate", "WallClock", "build_live_gate"]
