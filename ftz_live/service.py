"""The live gate service: the second composition root.

It builds every served gate through the one gate assembly (:mod:`ftz_spec.assembly`),
exactly as the twin does, and wires it to the drivers the live site file names, a clock
(the wall clock, or in hardware-in-the-loop runs the twin's simulated time), the bonded
ledger (SQLite by default, PostgreSQL by URL), the gate-pass register, an HTTP endpoint
(``/health``, ``/v1/passes``), structured logs and the decision and event topics. One
loop thread owns every controller; drivers, arrivals and the ledger writer run on their
own threads and only hand data over through buffers and queues. A broker or a ledger
that cannot be reached, at start or later, makes the service *not ready* (with the
reason on ``/health``) while it keeps reconnecting; it never opens a barrier on their
account, since every decision still comes from the core.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

from core.gate import PassReserved, ReservationRefused, ReservePass, VoidReservation
from core.gate.readings import DeviceKind
from core.ledger import Ledger, Refusal
from core.trace import Recorder, Sink
from ftz_live.config import LiveSite, LiveSiteError, device_params
from ftz_live.durable import BarrierWatch, Maintenance, Settler, guards, load_replay_guard
from ftz_live.health import HealthServer
from ftz_live.hil_steps import HilStepper, SimTime
from ftz_live.inputs import Arrival, ArrivalReceiver, ClockReceiver, HilStep
from ftz_live.ledger_sink import LedgerSink, Reserved
from ftz_live.metrics import metrics_route
from ftz_live.passes import PassRegister
from ftz_live.runtime import LiveGate, build_live_gate, make_device
from ftz_live.snapshot import StateTracker, publish_state, state_route
from ftz_live.status import snapshot
from ftz_live.trace_file import LiveTrace
from ftz_live.visibility import Visibility
from ftz_spec.assembly import DevicePlan
from ftz_stores import open_store
from hardware_models import LifecycleState
from hardware_models.mqtt import arrival_topic, bus_for, hil_clock_topic

__all__ = ["EpochClock", "GateService", "SimTime"]

log = logging.getLogger("ftztwin.live")
_REVIVE_S = 5.0  # how often devices that could not be opened are tried again
_STATE_S = 10.0  # how often the retained state snapshot is published (nowcast)


class EpochClock:
    """Seconds since the service started, on Unix time (devices stamp Unix time)."""

    def __init__(self) -> None:
        """Start at 0; :attr:`origin` is the Unix time of that 0."""
        self.origin = time.time()

    def __call__(self) -> float:
        """Return seconds since start."""
        return time.time() - self.origin


class GateService:
    """Runs the gates of a live site until stopped."""

    def __init__(self, live: LiveSite, hil: bool = False) -> None:
        """Build every gate, device and sink (nothing connects before :meth:`start`).

        Raises:
            ftz_spec.errors.UserError: The trace, the pass register or a device's
                parameters cannot be used (the message names the file or field).
        """
        self.live, self.hil = live, hil
        self.clock: EpochClock | SimTime = SimTime() if hil else EpochClock()
        self.settings = live.mqtt.settings()
        self.prefix = live.mqtt.prefix
        self._wake, self._stop = threading.Event(), threading.Event()
        # Bounded: past it an arrival is refused (overload) and counted, never queued.
        self._arrivals: queue.Queue[Arrival] = queue.Queue(live.max_queued_arrivals)
        self._answers: queue.Queue[tuple[str, Reserved]] = queue.Queue()
        self.reserve = not hil  # the live gate reserves each pass before it opens
        self._steps: queue.Queue[HilStep] = queue.Queue()
        self._bus = bus_for(self.settings)
        self.visibility = Visibility(self._bus, self.prefix, journal=not hil)
        self._trace = LiveTrace(live.trace) if live.trace else None
        sinks: list[Sink] = [self._trace] if self._trace is not None else []
        self.recorder = Recorder(sinks)
        key = _key(live.arrivals_hmac_key_env, "arrivals (lane PCs)")
        self.ledger_sink = LedgerSink(partial(_open_ledger, live.ledger))
        token = os.environ.get(live.passes_token_env) if live.passes_token_env else None
        self.passes = PassRegister(None if hil else live.passes, token)
        self.gates: dict[str, LiveGate] = {}
        self.receivers: list[ArrivalReceiver | ClockReceiver] = []
        self.overloaded = 0  # arrivals refused because the queue was full
        self.state = StateTracker()  # what GET /state needs beyond the controllers
        for ref, assembly in live.assemblies().items():
            reserving: dict[str, Any] = {}
            if self.reserve:
                reserving = {
                    "on_reserve": partial(self._reserve, ref),
                    "on_confirmed": self._confirmed,
                    "on_unconfirmed": self._unconfirmed,
                    "on_void": self._void,
                }
            gate = build_live_gate(
                assembly,
                partial(self._make, ref),
                self.recorder,
                self.clock,
                reserve=self.reserve,
                on_decision=partial(self._decided, ref),
                on_passage=self.ledger_sink,
                on_discard=partial(self.visibility.discard, ref),
                on_hold=partial(self._held, ref),
                **reserving,
            )
            gate.on_event = partial(self.visibility.event, ref)
            self.gates[ref] = gate
            common = self._guard_config() | {"hmac_key": key, "notify": self._wake.set}
            common["on_reject"] = self.visibility.rejected_message
            self.receivers.append(
                ArrivalReceiver(ref, self._arrivals, self.clock, on_full=self._full, **common)
            )
            if hil:
                self.receivers.append(ClockReceiver(ref, self._steps, self.clock, **common))
        self.devices = {d.device_id: d for g in self.gates.values() for d in g.devices()}
        barriers = {i: d for i, d in self.devices.items() if d.kind is DeviceKind.BARRIER}
        self.settler = Settler(self.ledger_sink, barriers, set(self.gates))
        feedback = live.barrier_feedback_s
        self.watch = BarrierWatch(barriers, feedback) if feedback > 0 and not hil else None
        self.maintenance = Maintenance(self.settler, self.watch) if self.reserve else None
        self.replay_guard_loaded = True
        self.stepper = HilStepper(self) if hil else None
        self.health: HealthServer | None = None
        self.started_s = time.monotonic()
        self.started = False

    # -- wiring -----------------------------------------------------------------------
    def _guard_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"time_origin_s": self.clock.origin}
        if self.hil:
            # The twin is the trusted device simulator and the core judges staleness and
            # replay itself; the transport must hand it exactly what the twin's devices said.
            cfg.update(max_age_s=float("inf"), max_future_s=float("inf"), check_replay=False)
        return cfg

    def _make(self, gate_ref: str, plan: DevicePlan) -> Any:
        common = self._guard_config() | {
            "clock": self.clock,
            "notify": self._wake.set,
            "mqtt": self.settings,
            "prefix": self.prefix,
            "keep_trying": True,
            "on_reject": self.visibility.rejected_message,
        }
        params = device_params(self.live, gate_ref, plan.name, plan.number, plan.device_id)
        return make_device(plan, gate_ref, params, common)

    def _decided(self, ref: str, cmd: Any) -> None:
        self.visibility.decision(ref, cmd)
        self.state.decided(ref, cmd)

    def _held(self, ref: str, cmd: Any) -> None:
        self.visibility.hold(ref, cmd)
        self.state.hold(ref, cmd)

    # -- intent before act (the writer thread answers; the loop acts) ----------------------
    def _reserve(self, ref: str, cmd: ReservePass, barrier: str) -> None:
        if barrier and barrier in self.settler.blocked():
            # A reservation of this barrier is not settled yet: a new command would move
            # the PLC's record past it, so nothing opens there until it is (fail closed).
            self._answered(ref, Reserved(cmd, None, reason="barrier_unsettled"))
            return
        self.ledger_sink.reserve(cmd, barrier, partial(self._answered, ref), self.clock())

    def _answered(self, ref: str, answer: Reserved) -> None:
        self._answers.put((ref, answer))
        self._wake.set()

    def _confirmed(self, passage_id: str, barrier: str, seq: int, now: float) -> None:
        self.ledger_sink.post(passage_id, now)
        if self.watch is not None and barrier:
            self.watch.expect(barrier, seq)

    def _unconfirmed(self, passage_id: str, barrier: str, seq: int, now: float) -> None:
        self.settler.add(passage_id, barrier, seq)

    def _void(self, cmd: VoidReservation, now: float) -> None:
        self.ledger_sink.void(cmd.passage_id, cmd.reason, now)

    def _full(self, arrival: Arrival) -> None:
        """The arrival queue is full: the truck is refused (overload), counted and logged."""
        self.overloaded += 1
        self.visibility.overload(arrival.gate_ref, arrival.lane, arrival.case_id)

    def take_answers(self) -> None:
        """Tell the controllers what the ledger answered (the loop thread only)."""
        while True:
            try:
                ref, a = self._answers.get_nowait()
            except queue.Empty:
                return
            gate, c, r = self.gates[ref], a.cmd, a.result
            if r is None or isinstance(r, Refusal):
                reason = (a.reason or "store_unavailable") if r is None else r.reason.value
                event: Any = ReservationRefused(c.lane, c.case_id, c.passage_id, reason)
            else:
                gate.executor.reservations[(c.lane, c.case_id)] = (c.passage_id, a.command_seq)
                event = PassReserved(c.lane, c.case_id, c.passage_id)
            gate.handle(event, self.clock())

    def _topics(self) -> list[tuple[str, Any]]:
        out = []
        for r in self.receivers:
            topic = arrival_topic if isinstance(r, ArrivalReceiver) else hil_clock_topic
            out.append((topic(self.prefix, r.gate_ref), r.on_raw))
        return out

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        """Serve the HTTP endpoint, connect (or keep trying to), activate every device."""
        h = self.live.health
        routes = {"/v1/passes": self.passes.http_post}
        gets = {"/metrics": metrics_route(self), "/state": state_route(self)}
        self.health = HealthServer(self.snapshot, h.host, h.port, routes, gets).start()
        if not self._bus.acquire(keep=True):
            log.error(
                "broker unreachable, reconnecting",
                extra={"host": self.settings.host, "port": self.settings.port},
            )
        for topic, handler in self._topics():
            self._bus.subscribe(topic, handler)
        for ref, gate in self.gates.items():
            if gate.assembly.unused:
                log.warning(
                    "installed devices the gate's policy does not read",
                    extra={"gate": ref, "devices": list(gate.assembly.unused)},
                )
        self._revive()
        if self.reserve:
            self.replay_guard_loaded = load_replay_guard(self.ledger_sink, guards(self))
            self.settler.settle(self.clock())
            assert self.maintenance is not None
            self.maintenance.start()
        self.started = True
        publish_state(self)  # retained at once: a subscriber has the state before the first tick
        log.info(
            "gate service started",
            extra={"gates": list(self.gates), "health_port": self.health.port, "hil": self.hil},
        )

    def _revive(self) -> None:
        """Configure and activate the devices that are not active yet (a port plugged in)."""
        for dev_id, dev in self.devices.items():
            if dev.state is LifecycleState.UNCONFIGURED and not dev.configure():
                log.error("device cannot be opened", extra={"device": dev_id})
                continue
            if dev.state is LifecycleState.INACTIVE and not dev.activate():
                log.error("device not active", extra={"device": dev_id, "state": dev.state.value})

    def stop(self) -> None:
        """Ask the loop to end (safe from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """Run the loop until :meth:`stop`."""
        if self.stepper is not None:
            self.stepper.run(self._stop)
            return
        last_tick = self.clock()
        last_revive = last_state = time.monotonic()
        while not self._stop.is_set():
            self._wake.wait(0.05)
            self._wake.clear()
            self.take_answers()
            self.take_arrivals()
            now = self.clock()
            for gate in self.gates.values():
                gate.step(now)
            if now - last_tick >= self.live.tick_s:
                last_tick = now
                for gate in self.gates.values():
                    gate.tick(now)
            if time.monotonic() - last_state >= _STATE_S:
                last_state = time.monotonic()
                publish_state(self)
            if time.monotonic() - last_revive >= _REVIVE_S:
                last_revive = time.monotonic()
                self._revive()
                if self.reserve and not self.replay_guard_loaded:
                    self.replay_guard_loaded = load_replay_guard(self.ledger_sink, guards(self))

    def shutdown(self) -> None:
        """Finalize devices, commit the ledger, close the trace, stop serving."""
        for topic, handler in self._topics():
            self._bus.unsubscribe(topic, handler)
        if self.maintenance is not None:
            self.maintenance.stop()
        self.take_answers()
        for gate in self.gates.values():
            gate.shutdown()
        self.ledger_sink.close()
        if self._trace is not None:
            self._trace.close()
        if self.health is not None:
            self.health.stop()
        self._bus.release()
        log.info(
            "gate service stopped",
            extra={
                "decisions": dict(self.visibility.outcomes),
                "ledger_committed": self.ledger_sink.committed,
            },
        )

    # -- the loop's work --------------------------------------------------------------
    def take_arrivals(self, now: float | None = None) -> list[Any]:
        """Announce the queued arrivals to their gates (the loop thread only)."""
        commands: list[Any] = []
        while True:
            try:
                a = self._arrivals.get_nowait()
            except queue.Empty:
                return commands
            t = self.clock() if now is None else now
            self.state.arrived(a.gate_ref, a.case_id, t)
            gp = (
                a.gate_pass
                if a.gate_pass is not None or not a.pass_id
                else self.passes.get(a.pass_id)
            )
            if gp is None and a.pass_id:
                log.warning("arrival names an unknown gate pass", extra={"pass_id": a.pass_id})
            commands += self.gates[a.gate_ref].truck_arrived(a.lane, a.case_id, gp, t)

    @property
    def bus_connected(self) -> bool:
        """Whether the broker connection is up."""
        return self._bus.connected

    def snapshot(self) -> dict[str, Any]:
        """The health endpoint's answer (see :func:`ftz_live.status.snapshot`)."""
        return snapshot(self)


def _key(env: str | None, who: str) -> str | None:
    """The key in the variable ``env``; a named variable unset or empty stops the service.

    Raises:
        LiveSiteError: ``env`` is named but unset or empty (exit code 2).
    """
    if env is None:
        return None
    value = os.environ.get(env, "")
    if not value:
        raise LiveSiteError(
            f"{who}: arrivals_hmac_key_env names {env}, which is unset or empty; "
            "set it (messages would otherwise be accepted unsigned) or remove the setting"
        )
    return value


def _open_ledger(url: str) -> Ledger:
    if url.startswith("sqlite:"):
        Path(url.removeprefix("sqlite:")).parent.mkdir(parents=True, exist_ok=True)
    return Ledger(open_store(url))  # type: ignore[arg-type]
