"""``ftztwin provenance``, ``diff``, ``calibrate`` and ``observe`` (registered by ftztwin.cli).

Inputs a planner can trace: where each number comes from, what changed between two
scenarios, and fitting the inputs to what a site observed. scipy and matplotlib are
imported only when a calibration runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftz_spec import load_scenario
from ftztwin.cliargs import non_negative, positive

__all__ = ["cmd_calibrate", "cmd_diff", "cmd_observe", "cmd_provenance", "register"]


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a share between 0 and 1, got {text!r}"
        ) from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be >= 0 and < 1, got {value}")
    return value


def _emit(text: str) -> None:
    """Print a listing; a reader that stops early (``| head``) ends it without a traceback."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the failed flush of stdout at exit: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the sub-commands; return their handlers."""
    pv = sub.add_parser(
        "provenance", help="every parameter of a scenario with its value and source"
    )
    pv.add_argument("scenario", type=Path)
    pv.add_argument("--format", choices=("text", "csv", "markdown"), default="text")
    pv.add_argument("--unmarked", action="store_true", help="list only unmarked parameters")
    pv.add_argument("--strict", action="store_true", help="exit 1 if any parameter is unmarked")
    df = sub.add_parser("diff", help="differences between two scenarios, path by path")
    df.add_argument("a", type=Path)
    df.add_argument("b", type=Path)
    df.add_argument("--format", choices=("text", "csv"), default="text")
    df.add_argument("--values-only", action="store_true", help="ignore changes of source only")
    cal = sub.add_parser(
        "calibrate", help="fit a scenario's inputs to an observed event log and/or KPIs"
    )
    cal.add_argument("scenario", type=Path)
    cal.add_argument("--log", type=Path, help="event log: the twin's CSV or a site's CSV")
    cal.add_argument("--kpis", type=Path, help="observed KPIs and the unknowns to search (YAML)")
    cal.add_argument("--out", type=Path, help="folder (default: out/calibration/<scenario>)")
    cal.add_argument(
        "--holdout", type=_share, default=0.25, help="share of trucks held out (default 0.25)"
    )
    cal.add_argument(
        "--validation-replications",
        type=non_negative,
        default=10,
        help="replications of the calibrated twin against the held-out trucks (0: none)",
    )
    cal.add_argument("--workers", type=positive, help="local processes (default: one per core)")
    cal.add_argument("--no-plots", action="store_true", help="write the report without figures")
    ob = sub.add_parser(
        "observe", help="simulate a site's observed log: the event log plus device reads"
    )
    ob.add_argument("scenario", type=Path)
    ob.add_argument("--out", type=Path, required=True, help="event log file to write (CSV)")
    ob.add_argument("--replication", type=non_negative, default=0)
    ob.add_argument("--seed", type=non_negative, help="override run.seed")
    ob.add_argument(
        "--format",
        choices=("trace", "site"),
        default="trace",
        help="the twin's event log, or a site's CSV (docs/site-log-format.md)",
    )
    return {
        "provenance": cmd_provenance,
        "diff": cmd_diff,
        "calibrate": cmd_calibrate,
        "observe": cmd_observe,
    }


def cmd_provenance(args: argparse.Namespace) -> int:
    """``ftztwin provenance SCENARIO``."""
    from ftz_spec.provenance import parameters
    from ftztwin.assumptions import provenance_csv, provenance_markdown, provenance_text

    scenario = load_scenario(args.scenario)
    if args.format == "csv":
        _emit(provenance_csv(scenario))
    elif args.format == "markdown":
        _emit(provenance_markdown(scenario) + "\n")
    else:
        _emit(provenance_text(scenario, only_unmarked=args.unmarked) + "\n")
    unmarked = sum(p.unmarked for p in parameters(scenario))
    return 1 if args.strict and unmarked else 0


def cmd_diff(args: argparse.Namespace) -> int:
    """``ftztwin diff A B``."""
    from ftztwin.diff import diff_csv, diff_text

    a, b = load_scenario(args.a), load_scenario(args.b)
    if args.format == "csv":
        _emit(diff_csv(a, b, args.values_only))
    else:
        _emit(diff_text(a, b, args.values_only) + "\n")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``ftztwin calibrate SCENARIO --log LOG [--kpis FILE]``."""
    from ftztwin.calibrate import CalibrationError, calibrate

    if args.log is None and args.kpis is None:
        raise CalibrationError(
            "calibrate: give an event log (--log), observed KPIs (--kpis) or both"
        )
    scenario = load_scenario(args.scenario)
    out = args.out or Path("out") / "calibration" / scenario.name
    result = calibrate(
        args.scenario,
        scenario,
        out,
        log=args.log,
        kpis=args.kpis,
        holdout=args.holdout,
        validation_replications=args.validation_replications,
        workers=args.workers,
        plots=not args.no_plots,
    )
    print(result.summary())
    print(f"\noverlay: {result.overlay}\nreport: {result.report}")
    return 0


def cmd_observe(args: argparse.Namespace) -> int:
    """``ftztwin observe SCENARIO --out LOG``."""
    from ftz_spec import parse_scenario
    from ftztwin.calibrate import observe

    scenario = load_scenario(args.scenario)
    if args.seed is not None:
        data = scenario.model_dump(mode="json")
        data["run"]["seed"] = args.seed
        scenario = parse_scenario(data, str(args.scenario))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows = observe(scenario, args.out, args.replication, site=args.format == "site")
    what = "rows" if args.format == "site" else "records"
    print(f"wrote {args.out} ({rows} {what}, replication {args.replication})")
    return 0
