"""``ftztwin serve-gate`` (the live gate service) and ``ftztwin run-hil`` (hardware in the loop).

Registered by :mod:`ftztwin.cli` through ``_EXTENSIONS``; imported only when the CLI
builds its parser, and imports the protocol libraries only when a command runs.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftz_spec.errors import UserError
from ftztwin.cliargs import non_negative, positive

__all__ = ["cmd_run_hil", "cmd_serve_gate", "register"]


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``serve-gate`` and ``run-hil`` to the sub-parsers; return their handlers."""
    serve = sub.add_parser("serve-gate", help="run the live gate service for a site file")
    serve.add_argument("--site", type=Path, required=True, help="live site file (YAML)")
    serve.add_argument("--hil", action="store_true", help="take time and steps from a twin (HIL)")
    serve.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    hil = sub.add_parser("run-hil", help="run a scenario with its gates decided by a live service")
    hil.add_argument("scenario", type=Path)
    hil.add_argument("--seed", type=non_negative, help="override run.seed")
    hil.add_argument("--replications", type=positive, help="override run.replications")
    hil.add_argument("--out", type=Path, default=Path("out"), help="results folder (default: out/)")
    hil.add_argument("--no-event-log", action="store_true", help="do not write the event log")
    hil.add_argument("--broker", help="host:port of the MQTT broker (default: a private mosquitto)")
    return {"serve-gate": cmd_serve_gate, "run-hil": cmd_run_hil}


def cmd_serve_gate(args: argparse.Namespace) -> int:
    """``ftztwin serve-gate --site SITE.yaml``: serve until SIGTERM or SIGINT, then exit 0."""
    from ftz_live.config import load_live_site
    from ftz_live.logs import configure_logging
    from ftz_live.service import GateService

    configure_logging(args.log_level)
    service = GateService(load_live_site(args.site), hil=args.hil)
    stop = lambda *_: service.stop()  # noqa: E731 - a signal handler is a one-liner
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        service.start()
        service.run()
    finally:
        service.shutdown()
    return 0


def _broker(text: str | None) -> Any:
    if text is None:
        return None
    from hardware_models.mqtt import MqttSettings

    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise UserError(f"--broker: expected host:port (got {text!r})")
    return MqttSettings(host, int(port))


def cmd_run_hil(args: argparse.Namespace) -> int:
    """``ftztwin run-hil SCENARIO`` (also ``ftztwin run --hil``): replications one by one."""
    from ftz_spec import digest, load_scenario, parse_scenario
    from ftztwin.hil_run import run_hil
    from ftztwin.report import headline, kpi_table, staged_dir, write_results
    from twin.experiment import summarise

    data = load_scenario(args.scenario).model_dump(mode="json")
    if args.seed is not None:
        data["run"]["seed"] = args.seed
    if args.replications is not None:
        data["run"]["replications"] = args.replications
    scenario = parse_scenario(data, str(args.scenario))
    broker = _broker(getattr(args, "broker", None))
    final = args.out / f"{scenario.name}_hil"
    final.parent.mkdir(parents=True, exist_ok=True)
    results = []
    with staged_dir(final) as folder:
        for r in range(scenario.run.replications):
            log = None if args.no_event_log else folder / f"events_rep{r:03d}.csv"
            run = run_hil(scenario, r, log, broker, folder / f"service_trace_rep{r:03d}.csv")
            print(
                f"replication {r}: barrier commands over Modbus {run.barrier_opens}, "
                f"service exit code {run.service_exit_code}",
                file=sys.stderr,
            )
            results.append(run.result)
        summary = summarise(results)
        write_results(folder, scenario, results, summary)
    print(kpi_table(summary, headline(list(summary))))
    print(f"\nscenario {scenario.name} (sha256 {digest(scenario)[:12]}…), HIL results: {final}")
    return 0
