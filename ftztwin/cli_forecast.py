"""``ftztwin forecast``: the twin forked from the gates' state now, hours ahead (registered by ftztwin.cli).

::

    ftztwin forecast SCENARIO --from URL|FILE --horizon-h H [--replications N] [--seed S]
                     [--scale-to-observed] [--lever PATH=VALUE ...] [--pipeline-h P]
                     [--workers N] [--out DIR]

``--from`` is a snapshot file (``conf/snapshot_example.json``) or the live service's
``http://HOST:PORT/state``. The table gives, per gate and hour, the trucks at the gate
(mean and 90 % interval over the replications) and the waits at every resource that had
any; ``DIR/forecast.csv`` and ``DIR/forecast.json`` hold every row. With ``--lever`` the
action is forecast beside do-nothing, paired on common random numbers. ``--workers N``
runs the replications on N processes; the numbers are the same with any N.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ftz_spec import Scenario, load_scenario
from ftz_spec.snapshot import Snapshot, SnapshotError, load_snapshot, parse_snapshot_bytes
from ftztwin.cliargs import CliError

__all__ = ["cmd_forecast", "fetch_snapshot", "forecast_csv", "forecast_table", "register"]

_MAX_H = 72  # a forecast from now is about the next hours; longer is a planning run


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``forecast`` sub-command; return its handler."""
    fc = sub.add_parser("forecast", help="forecast the next hours from the gates' current state")
    fc.add_argument("scenario", type=Path)
    fc.add_argument(
        "--from",
        dest="source",
        required=True,
        help="snapshot file or the live service's URL (http://HOST:PORT/state)",
    )
    fc.add_argument("--horizon-h", type=int, required=True, help=f"hours to forecast (1-{_MAX_H})")
    fc.add_argument("--replications", type=int, default=20, help="replications (default 20)")
    fc.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    fc.add_argument(
        "--scale-to-observed",
        action="store_true",
        help="scale arrivals to those the snapshot saw in its last hour",
    )
    fc.add_argument(
        "--lever",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="what-if from now: a scenario path (=+N adds) or outage.RESOURCE=HOURS",
    )
    fc.add_argument(
        "--pipeline-h",
        type=float,
        default=2.0,
        help="hours run before the fork so upstream trucks reach the gates (default 2)",
    )
    fc.add_argument(
        "--workers", type=int, default=1, help="processes for the replications (default 1)"
    )
    fc.add_argument("--out", type=Path, default=Path("out"), help="results folder (default: out/)")  # fmt: skip
    return {"forecast": cmd_forecast}


def fetch_snapshot(source: str, timeout_s: float = 10.0) -> Snapshot:
    """Read a snapshot from a file or an ``http(s)://`` URL.

    Raises:
        SnapshotError: Cannot be fetched or read, or is not a valid snapshot.
    """
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=timeout_s) as answer:
                return parse_snapshot_bytes(answer.read(8 * 1024 * 1024 + 1), source)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SnapshotError(source, [f"cannot be fetched ({exc})"]) from None
    return load_snapshot(source)


def _check(args: argparse.Namespace) -> None:
    problems = []
    if not 1 <= args.horizon_h <= _MAX_H:
        problems.append(f"--horizon-h: 1 to {_MAX_H} hours (got {args.horizon_h})")
    if not 1 <= args.replications <= 1000:
        problems.append(f"--replications: 1 to 1000 (got {args.replications})")
    if not 0 <= args.pipeline_h <= 24:
        problems.append(f"--pipeline-h: 0 to 24 hours (got {args.pipeline_h})")
    if not 1 <= args.workers <= 64:
        problems.append(f"--workers: 1 to 64 (got {args.workers})")
    if args.seed is not None and args.seed < 0:
        problems.append(f"--seed: not negative (got {args.seed})")
    if problems:
        raise CliError(problems)


def _with_seed(scenario: Scenario, seed: int | None) -> Scenario:
    if seed is None:
        return scenario
    return scenario.model_copy(update={"run": scenario.run.model_copy(update={"seed": seed})})


def cmd_forecast(args: argparse.Namespace) -> int:
    """``ftztwin forecast``: the table on stdout, CSV and JSON under ``--out``."""
    from twin.forecast import parse_lever, run_forecast
    from twin.initial_state import fork_from_snapshot

    _check(args)
    levers = [parse_lever(t) for t in args.lever]
    scenario = _with_seed(load_scenario(args.scenario), args.seed)
    snap = fetch_snapshot(args.source)
    fork = fork_from_snapshot(snap, scenario, args.scale_to_observed)
    fc = run_forecast(
        scenario, fork, args.horizon_h, args.replications, levers, args.pipeline_h,
        workers=args.workers,
    )  # fmt: skip
    folder = args.out / f"{scenario.name}_forecast"
    folder.mkdir(parents=True, exist_ok=True)
    # Files first: a reader that stops early (``| head``) does not cost the results.
    (folder / "forecast.csv").write_text(forecast_csv(fc), encoding="utf-8")
    (folder / "forecast.json").write_text(forecast_json(fc, snap), encoding="utf-8")
    print(forecast_table(fc, snap))
    print(f"wrote {folder / 'forecast.csv'} and {folder / 'forecast.json'}")
    return 0


def forecast_table(fc: Any, snap: Snapshot) -> str:
    """The forecast as text: the state now, trucks at each gate and waits per hour."""
    from twin.forecast import clock_label

    lines = [
        f"forecast {fc.scenario} from {snap.source} snapshot of {snap.site} at "
        f"{clock_label(fc.start_s)} (wall clock {snap.wall_clock or 'n/a'}), "
        f"{fc.horizon_h} h, {fc.replications} replications, arrivals x{fc.arrival_scale:.2f}",
        f"now: {sum(snap.trucks_at(g) for g in snap.gates)} trucks at {len(snap.gates)} gates, "
        f"{sum(1 for d in snap.devices.values() if d.fault or d.state == 'faulted')} devices in fault; "
        f"placed {fc.placed.get('trucks', 0)} trucks, {fc.placed.get('faults', 0)} faults"
        + (f" ({fc.placed['faults_unknown']} faulted devices unknown to the twin)"
           if fc.placed.get("faults_unknown") else ""),
    ]  # fmt: skip
    if fc.levers:
        lines.append(
            f"action: {'; '.join(fc.levers)} (paired with do-nothing on common random numbers)"
        )
    hours = [clock_label(fc.start_s + 3600 * h) for h in range(fc.horizon_h)]
    for metric, title in (("trucks_at_gate", "trucks at the gate (mean [90% interval])"),
                          ("wait_min", "mean wait in minutes (mean [90% interval])")):  # fmt: skip
        rows = [r for r in fc.rows if r.metric == metric]
        resources = sorted({r.resource for r in rows})
        if metric == "wait_min":  # only resources where someone waited
            resources = [
                res for res in resources if any(r.mean > 0 for r in rows if r.resource == res)
            ]
        table = [[title.split(" (")[0], *hours]]
        for res in resources:
            cells = [res]
            for h in range(fc.horizon_h):
                r = next(x for x in rows if x.resource == res and x.hour == h)
                cell = f"{r.mean:.2f} [{r.p05:.2f}, {r.p95:.2f}]"
                if r.action_mean is not None:
                    cell += f" -> {r.action_mean:.2f} ({r.diff_mean:+.2f})"
                cells.append(cell)
            table.append(cells)
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines.append("")
        lines.append(title + (", action -> its mean (paired difference)" if fc.levers else ""))
        lines += [
            "  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)).rstrip()
            for row in table
        ]
    return "\n".join(lines)


def forecast_csv(fc: Any) -> str:
    """Every row of the forecast as CSV (hour 0 is the hour starting at the snapshot)."""
    from twin.forecast import ForecastRow

    buf = io.StringIO()
    fields = list(ForecastRow.__dataclass_fields__)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["scenario", "start_s", *fields])
    for r in fc.rows:
        w.writerow(
            [fc.scenario, fc.start_s, *("" if v is None else _num(v) for v in asdict(r).values())]
        )
    return buf.getvalue()


def _num(v: Any) -> Any:
    return f"{v:.6g}" if isinstance(v, float) else v


def forecast_json(fc: Any, snap: Snapshot) -> str:
    """The forecast and what it started from, as JSON."""
    doc = {
        "scenario": fc.scenario,
        "snapshot": {"site": snap.site, "source": snap.source, "wall_clock": snap.wall_clock,
                     "clock_s": snap.clock_s},
        "start_s": fc.start_s,
        "horizon_h": fc.horizon_h,
        "replications": fc.replications,
        "levers": list(fc.levers),
        "arrival_scale": fc.arrival_scale,
        "placed": fc.placed,
        "rows": [asdict(r) for r in fc.rows],
    }  # fmt: skip
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv`` as ``ftztwin forecast`` arguments (the app uses the same defaults)."""
    p = argparse.ArgumentParser(prog="ftztwin")
    sub = p.add_subparsers(dest="command", required=True)
    register(sub)
    return p.parse_args(["forecast", *argv])
