"""The live commands: ``serve-gate``, ``run-hil``, ``shadow``, ``plc`` and ``toledo``.

``run-hil`` is also ``run --hil [--compare]``; ``plc`` and ``toledo`` are the lab peers of
the walkthrough (a barrier PLC over Modbus TCP, a weighbridge indicator on a serial line).

Registered by :mod:`ftztwin.cli` through ``_EXTENSIONS``; imported only when the CLI
builds its parser, and imports the protocol libraries only when a command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftz_spec.errors import UserError
from ftztwin.cliargs import hours, non_negative, positive

__all__ = [
    "cmd_lab_pass",
    "cmd_plc",
    "cmd_run_hil",
    "cmd_serve_gate",
    "cmd_shadow",
    "cmd_toledo",
    "register",
]

_SHOWN = 10  # differences printed by run --hil --compare


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the live commands to the sub-parsers; return their handlers."""
    serve = sub.add_parser("serve-gate", help="run the live gate service for a site file")
    serve.add_argument("--site", type=Path, required=True, help="live site file (YAML)")
    serve.add_argument("--hil", action="store_true", help="take time and steps from a twin (HIL)")
    serve.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    hil = sub.add_parser("run-hil", help="run a scenario with its gates decided by a live service")
    hil.add_argument("scenario", type=Path)
    hil.add_argument("--seed", type=non_negative, help="override run.seed")
    hil.add_argument("--replications", type=positive, help="override run.replications")
    hil.add_argument("--horizon-h", type=hours, help="override run.horizon_h")
    hil.add_argument("--warmup-h", type=hours, help="override run.warmup_h")
    hil.add_argument("--out", type=Path, default=Path("out"), help="results folder (default: out/)")
    hil.add_argument("--no-event-log", action="store_true", help="do not write the event log")
    hil.add_argument("--broker", help="host:port of the MQTT broker (default: a private mosquitto)")
    hil.add_argument("--compare", action="store_true", help="compare with the in-process run")
    shadow = sub.add_parser("shadow", help="run the gate assembly beside a live gate (影子运行)")
    shadow.add_argument("--site", type=Path, required=True, help="the live gate's site file")
    shadow.add_argument("--user", default="monitor", help="read-only broker user (monitor)")
    shadow.add_argument(
        "--password-env",
        default="FTZ_MQTT_PASSWORD_MONITOR",
        help="environment variable with its password",
    )
    shadow.add_argument(
        "--out", type=Path, default=Path("var/shadow.csv"), help="CSV of disagreements"
    )
    shadow.add_argument("--health-port", type=non_negative, default=0, help="0 picks a free port")
    shadow.add_argument("--grace-s", type=float, default=5.0, help="wait for the other side")
    plc = sub.add_parser("plc", help="serve a barrier PLC over Modbus TCP (a lab peer)")
    plc.add_argument("--port", type=positive, default=5020)
    plc.add_argument("--registers", type=positive, default=1024)
    toledo = sub.add_parser(
        "toledo", help="write a weighing as a Toledo indicator to a serial port"
    )
    toledo.add_argument("--port", required=True, help="serial device (a pty end, /dev/ttyUSB0)")
    toledo.add_argument("--weigh", type=float, required=True, help="gross weight, kg")
    toledo.add_argument("--baudrate", type=positive, default=9600)
    lab = sub.add_parser(
        "lab-pass", help="file a lab book, list and approved pass in a ledger (a lab peer)"
    )
    lab.add_argument("file", type=Path, help="gate pass JSON, as POST /v1/passes takes it")
    lab.add_argument("--store", required=True, help="sqlite:<path> or postgresql://…")
    lab.add_argument("--zone", required=True, help="zone of the gate that will reserve it")
    return {
        "lab-pass": cmd_lab_pass,
        "serve-gate": cmd_serve_gate,
        "run-hil": cmd_run_hil,
        "shadow": cmd_shadow,
        "plc": cmd_plc,
        "toledo": cmd_toledo,
    }


def _serve(service: Any) -> int:
    """Run ``service`` until SIGTERM or SIGINT, then shut it down; return 0."""
    stop = lambda *_: service.stop()  # noqa: E731 - a signal handler is a one-liner
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        service.start()
        service.run()
    finally:
        service.shutdown()
    return 0


def cmd_serve_gate(args: argparse.Namespace) -> int:
    """``ftztwin serve-gate --site SITE.yaml``: serve until SIGTERM or SIGINT, then exit 0."""
    from ftz_live.config import load_live_site
    from ftz_live.logs import configure_logging
    from ftz_live.service import GateService

    configure_logging(args.log_level)
    return _serve(GateService(load_live_site(args.site), hil=args.hil))


def cmd_shadow(args: argparse.Namespace) -> int:
    """``ftztwin shadow --site SITE.yaml``: shadow the site's gates until SIGTERM or SIGINT."""
    from dataclasses import replace

    from ftz_live.config import load_live_site
    from ftz_live.logs import configure_logging
    from ftz_live.shadow import ShadowService

    configure_logging("info")
    live = load_live_site(args.site)
    password = os.environ.get(args.password_env)
    settings = replace(live.mqtt.settings(), username=args.user, password=password)
    return _serve(ShadowService(live, settings, args.out, args.health_port, args.grace_s))


def _broker(text: str | None) -> Any:
    if text is None:
        return None
    from hardware_models.mqtt import MqttSettings

    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise UserError(f"--broker: expected host:port (got {text!r})")
    return MqttSettings(host, int(port))


def _scenario(args: argparse.Namespace) -> Any:
    from ftz_spec import load_scenario, parse_scenario

    data = load_scenario(args.scenario).model_dump(mode="json")
    overrides = {
        "seed": args.seed,
        "replications": args.replications,
        "horizon_h": getattr(args, "horizon_h", None),
        "warmup_h": getattr(args, "warmup_h", None),
    }
    data["run"].update({k: v for k, v in overrides.items() if v is not None})
    return parse_scenario(data, str(args.scenario))


def cmd_run_hil(args: argparse.Namespace) -> int:
    """``ftztwin run-hil SCENARIO`` (also ``ftztwin run --hil``): replications one by one.

    With ``--compare`` each replication also runs in-process on the same seed and every
    command list is compared; exit code 1 on any difference, the first ones printed.
    """
    from ftz_spec import digest
    from ftztwin.hil_run import compare_hil, describe, run_hil
    from ftztwin.report import headline, kpi_table, staged_dir, write_results
    from twin.experiment import summarise

    scenario = _scenario(args)
    broker = _broker(getattr(args, "broker", None))
    final = args.out / f"{scenario.name}_hil"
    final.parent.mkdir(parents=True, exist_ok=True)
    results, differing = [], 0
    with staged_dir(final) as folder:
        for r in range(scenario.run.replications):
            if getattr(args, "compare", False):
                cmp = compare_hil(scenario, r, broker)
                run = cmp.run
                differing += len(cmp.differences)
                print(
                    f"replication {r}: compared {cmp.decisions} gate decisions in "
                    f"{cmp.command_lists} command lists at {len(scenario.site.gates)} gates: "
                    f"{len(cmp.differences)} differences",
                    file=sys.stderr,
                )
                for i, local, remote in cmp.differences[:_SHOWN]:
                    print(f"  #{i} in-process: {describe(local)}", file=sys.stderr)
                    print(f"  #{i} HIL:        {describe(remote)}", file=sys.stderr)
            else:
                log = None if args.no_event_log else folder / f"events_rep{r:03d}.csv"
                run = run_hil(scenario, r, log, broker, folder / f"service_trace_rep{r:03d}.csv")
            print(
                f"replication {r}: barrier commands over Modbus {run.barrier_opens}, "
                f"service exit code {run.service_exit_code}",
                file=sys.stderr,
            )
            if run.service_exit_code != 0:
                raise UserError(f"the gate service exited with {run.service_exit_code}")
            results.append(run.result)
        summary = summarise(results)
        write_results(folder, scenario, results, summary)
    print(kpi_table(summary, headline(list(summary))))
    print(f"\nscenario {scenario.name} (sha256 {digest(scenario)[:12]}…), HIL results: {final}")
    if differing:
        print(
            f"error: {differing} differences between the in-process and the HIL run",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_plc(args: argparse.Namespace) -> int:
    """``ftztwin plc --port N``: a barrier PLC; prints one JSON line per OPEN received."""
    from hardware_models.modbus import BarrierPlc

    plc = BarrierPlc(port=args.port, registers=args.registers)
    plc.listeners.append(
        lambda register, seq: print(
            json.dumps({"command": "OPEN", "register": register, "seq": seq}), flush=True
        )
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    plc.start()
    print(json.dumps({"listening": f"{plc.host}:{plc.port}"}), flush=True)
    done.wait()
    plc.stop()
    return 0


def cmd_lab_pass(args: argparse.Namespace) -> int:
    """``ftztwin lab-pass FILE --store URL --zone Z``: what customs would have filed."""
    from core.ledger import Ledger, LedgerError
    from ftz_live.codec import decode_gate_pass
    from ftz_live.lab_ledger import register_lab_passes
    from ftz_stores import open_store

    try:
        gp = decode_gate_pass(json.loads(args.file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise UserError(f"{args.file}: not a gate pass: {exc}") from None
    if gp is None:
        raise UserError(f"{args.file}: not a gate pass (see docs/protocols.md, arrivals)")
    ledger = Ledger(open_store(args.store))  # type: ignore[arg-type]
    try:
        register_lab_passes(ledger, [gp], args.zone, time.time())
    except LedgerError as exc:
        raise UserError(f"{args.file}: the ledger refused the pass: {exc}") from None
    finally:
        ledger.store.close()
    print(f"{gp.pass_id}: filed for {gp.plate} in {args.zone}")
    return 0


def cmd_toledo(args: argparse.Namespace) -> int:
    """``ftztwin toledo --port TTY --weigh KG``: a weighing in Toledo continuous output."""
    import serial

    from hardware_models.serial import ToledoIndicator

    try:
        indicator = ToledoIndicator(args.port, args.baudrate)
    except (serial.SerialException, OSError) as exc:
        raise UserError(f"--port: cannot open {args.port}: {exc}") from None
    try:
        indicator.weigh(args.weigh)
        time.sleep(0.05)  # let the line drain before the port closes
    finally:
        indicator.close()
    print(f"weighed {args.weigh:.0f} kg on {args.port}")
    return 0
