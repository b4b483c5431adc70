"""The live runtime: the second composition root, with a live clock and real drivers.

It builds every gate through the one gate assembly (:mod:`ftz_spec.assembly`), as the
twin does, and wires the very same :class:`core.gate.GateController` to device drivers
chosen per device by one line of configuration. Nothing starts on import.

Modules: ``runtime`` (one gate's read → decide → act loop), ``executor`` (where a
decision's commands are carried out), ``service`` (the gate service of ``ftztwin
serve-gate``), ``status`` (``/health`` and readiness), ``visibility`` (decision and
rejection log lines, the decision and event topics), ``journal`` (the event journal),
``shadow`` (shadow mode, ``ftztwin shadow``), ``config`` (the live site file),
``inputs`` (arrivals and HIL steps), ``passes`` (the gate-pass register), ``ledger_sink``
(batched ledger commits), ``trace_file``, ``health``, ``logs``, ``codec`` (JSON forms of
gate passes and commands), ``hil`` and ``hil_steps`` (hardware in the loop, twin side and
service side), ``broker`` and ``broker_acl`` (mosquitto helpers). Protocols:
``docs/protocols.md``.
"""

from ftz_live.clock import WallClock
from ftz_live.runtime import LiveGate, build_live_gate, make_device

__all__ = ["LiveGate", "WallClock", "build_live_gate", "make_device"]
