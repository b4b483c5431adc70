"""The service's state as ``/health`` shows it, and whether it is ready.

The service is *ready* only while it can act on what it decides: the broker connection
is up, the ledger's store answers, and every device is active. Otherwise ``ready`` is
false and ``not_ready`` says why, one reason per line; the service meanwhile keeps
reconnecting to the broker, reopening the store and re-trying devices that could not be
opened.
"""

from __future__ import annotations

import time
from typing import Any

from hardware_models import LifecycleState

__all__ = ["not_ready", "snapshot"]


def not_ready(svc: Any) -> list[str]:
    """Why ``svc`` is not ready; empty when it is."""
    reasons: list[str] = []
    if not svc.started:
        reasons.append("starting")
    s = svc.settings
    if not svc.bus_connected:
        reasons.append(f"broker unreachable at {s.host}:{s.port} (reconnecting)")
    if not svc.ledger_sink.reachable:
        reasons.append(f"ledger unreachable: {svc.ledger_sink.error} (reopening)")
    if not svc.ledger_sink._thread.is_alive():
        reasons.append("ledger writer stopped")
    if svc.reserve and not svc.replay_guard_loaded:
        reasons.append("device sequence numbers not loaded from the store (refusing messages)")
    if svc.reserve and not svc.settler.started:
        reasons.append("pending reservations not settled yet")
    elif svc.reserve and svc.settler.unsettled:
        reasons.append(f"{svc.settler.unsettled} reservations wait for their PLC to settle")
    down = sorted(i for i, d in svc.devices.items() if d.state is not LifecycleState.ACTIVE)
    if down:
        reasons.append(f"devices not active: {', '.join(down)}")
    return reasons


def _saturation(svc: Any) -> dict[str, Any]:
    """How full the bounded queues are (1.0: new work is refused, overload)."""
    arrivals, sink = svc._arrivals, svc.ledger_sink
    return {
        "arrivals": {
            "depth": arrivals.qsize(),
            "capacity": arrivals.maxsize,
            "ratio": round(arrivals.qsize() / arrivals.maxsize, 3),
        },
        "reservations": {
            "waiting": sink._in_flight,
            "capacity": sink.max_reservations,
            "ratio": round(sink._in_flight / sink.max_reservations, 3),
        },
        "ledger_queue": sink.pending,
        "overloaded_arrivals": svc.overloaded,
    }


def snapshot(svc: Any) -> dict[str, Any]:
    """The health endpoint's answer: readiness, devices, counters, ledger, uptime."""
    reasons = not_ready(svc)
    out: dict[str, Any] = {
        "service": svc.live.name,
        "ready": not reasons,
        "not_ready": reasons,
        "mode": "hil" if svc.hil else "live",
        "uptime_s": round(time.monotonic() - svc.started_s, 3),
        "mqtt_connected": svc.bus_connected,
        **svc.visibility.snapshot(),
        "ledger": svc.ledger_sink.snapshot(),
        "gate_passes_registered": len(svc.passes),
        "inputs": {r.device_id: r.counters.snapshot() for r in svc.receivers},
        "devices": {
            dev_id: {
                "kind": dev.kind.value,
                "state": dev.state.value,
                **({"messages": dev.counters.snapshot()} if hasattr(dev, "counters") else {}),
            }
            for dev_id, dev in svc.devices.items()
        },
        "pending_lanes": {ref: list(g.controller.pending_lanes) for ref, g in svc.gates.items()},
        "saturation": _saturation(svc),
        "barriers": {} if svc.watch is None else svc.watch.snapshot(),
        "settlement": {
            "posted": svc.settler.posted,
            "voided": svc.settler.voided,
            "unsettled": svc.settler.unsettled,
        },
        "opened_unreserved": sum(g.executor.opened_unreserved for g in svc.gates.values()),
        "unused_devices": {
            ref: list(g.assembly.unused) for ref, g in svc.gates.items() if g.assembly.unused
        },
    }
    if svc.stepper is not None:
        out["hil_sync_timeouts"] = svc.stepper.sync_timeouts
    return out
