"""The live runtime: the second composition root, with a live clock and real drivers.

It wires the very same :class:`core.gate.GateController` that decides in the twin to
device drivers chosen per device by one line of configuration. Nothing starts on import.

Modules: ``runtime`` (one gate's read → decide → act loop), ``service`` (the gate
service of ``ftztwin serve-gate``), ``config`` (the live site file), ``inputs`` (arrivals
and HIL steps), ``ledger_sink`` (batched ledger commits), ``health``, ``logs``, ``codec``
(JSON forms of gate passes and commands), ``hil`` and ``hil_run`` (hardware in the loop),
``broker`` and ``broker_acl`` (mosquitto helpers). Protocols: ``docs/protocols.md``.
"""

from ftz_live.clock import WallClock
from ftz_live.runtime import LiveGate, build_live_gate

__all__ = ["LiveGate", "WallClock", "build_live_gate"]
