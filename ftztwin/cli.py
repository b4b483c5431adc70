"""The ``ftztwin`` command line.

User mistakes (bad files, bad arguments) print one clear message per problem and exit
with code 2, without a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ftz_spec import (
    SCHEMA_PATH,
    Scenario,
    digest,
    load_scenario,
    schema_json,
)
from ftz_spec.errors import UserError
from ftz_spec.risk import risk_setup
from ftztwin.cliargs import (
    CliError,
    check_kpis,
    fraction,
    positive,
    progress,
    run_options,
    with_overrides,
)

__all__ = ["main"]

REPO_SCENARIOS = SCHEMA_PATH.parent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ftztwin", description="Digital twin of Shanghai FTZ customs supervision."
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario's replications and write the results")
    run.add_argument("scenario", type=Path)
    run_options(run)
    run.add_argument("--precision", type=fraction,
                     help="add replications until the --kpi relative 95%% half-width is at most this")  # fmt: skip
    run.add_argument("--kpi", action="append", default=None,
                     help="KPI id for --precision (repeatable; default clearance_time_min_mean)")  # fmt: skip
    run.add_argument("--max-replications", type=positive, default=40,
                     help="cap for --precision (default 40)")  # fmt: skip
    run.add_argument("--min-replications", type=positive, default=5,
                     help="replications run before --precision decides (default 5)")  # fmt: skip
    run.add_argument("--out", type=Path, default=Path("out"), help="results folder (default: out/)")
    run.add_argument("--no-event-log", action="store_true", help="do not write the event log")
    run.add_argument("--hil", action="store_true", help="gates decided by a live service (HIL)")
    run.add_argument(
        "--risk-state", type=Path, help="folder: restore and save the risk engine's learning"
    )
    run.add_argument(
        "--compare", action="store_true", help="with --hil: also run in-process, compare decisions"
    )
    val = sub.add_parser("validate", help="validate scenario files")
    val.add_argument("scenarios", type=Path, nargs="+")
    sch = sub.add_parser("schema", help="write scenarios/scenario.schema.json")
    sch.add_argument("--output", type=Path, default=SCHEMA_PATH)
    demo = sub.add_parser("demo", help="baseline 2013 against reform 2014, paired comparison")
    demo.add_argument("--out", type=Path, default=Path("out"))
    demo.add_argument("--workers", type=positive, help="local processes (default: one per core)")
    mp = sub.add_parser("map", help="draw the zones, places and roads of a scenario's site as PNG")
    mp.add_argument("scenario", type=Path)
    mp.add_argument("--output", type=Path, default=Path("out/map.png"))
    _COMMANDS.update(_extend(sub))
    return p


def _run(
    scenario: Scenario, out: Path, event_log: bool, workers: int | None, args: Any = None
) -> tuple[Path, Any]:
    from ftztwin.report import staged_dir, write_results
    from twin.experiment import default_workers, run_experiment, run_to_precision

    precise = args is not None and getattr(args, "precision", None) is not None
    n = args.max_replications if precise else scenario.run.replications
    workers = workers or default_workers(n)
    total = n * scenario.run.horizon_h * 3600.0
    bar, tick = progress(total, scenario.name)
    final = out / scenario.name
    final.parent.mkdir(parents=True, exist_ok=True)
    log_dir: Path | None
    with staged_dir(final) as folder:
        log_dir = folder if event_log else None
        try:
            risk_state = getattr(args, "risk_state", None)
            if risk_state is not None:
                if risk_state.exists() and not risk_state.is_dir():
                    raise UserError(f"--risk-state {risk_state}: not a folder")
                risk_state.mkdir(parents=True, exist_ok=True)
            if precise:
                pr = run_to_precision(
                    scenario, args.kpi, args.precision, args.min_replications,
                    args.max_replications, log_dir, tick, workers, detail=True,
                    risk_state_dir=risk_state,
                )  # fmt: skip
                results = pr.results
            else:
                pr = None
                results = run_experiment(
                    scenario, None, log_dir, tick, workers, detail=True, risk_state_dir=risk_state
                )
        finally:
            bar.close()
        assessment = write_results(folder, scenario, results, None, pr)
    return final / "report.md", assessment


def _print_assessment(a: Any, report: Path) -> None:
    """The headline table, the unfinished share, the warm-up verdict and every warning."""
    from ftztwin.report import kpi_table
    from twin.readable import interval_text

    run = a.scenario.run
    print(kpi_table(a.summary, a.headline()))
    print(f"\nunfinished share: {interval_text('unfinished_share', a.unfinished_share)}")
    print(f"warm-up {run.warmup_h:g} h; MSER-5 {a.warmup_verdict}")
    if a.precision is not None:
        pr = a.precision
        state = "reached" if pr.reached else "NOT reached"
        print(f"replications: {len(pr.results)} chosen for ±{pr.precision:.0%} on "
              f"{', '.join(pr.kpis)} ({state}; cap {pr.max_replications})")  # fmt: skip
    for w in a.warnings:
        print(f"warning: {a.scenario.name}: {w}", file=sys.stderr)
    print(f"\nscenario {a.scenario.name} (sha256 {digest(a.scenario)[:12]}…), report: {report} "
          f"and {report.with_suffix('.html')}")  # fmt: skip


def cmd_run(args: argparse.Namespace) -> int:
    """``ftztwin run``."""
    if args.hil:
        from ftztwin.cli_live import cmd_run_hil

        return cmd_run_hil(args)
    if args.compare:
        raise UserError("--compare: compares a HIL run with the in-process one; add --hil")
    if args.kpi and args.precision is None:
        raise CliError(["--kpi: only used with --precision"])
    if args.precision is not None:
        args.kpi = args.kpi or ["clearance_time_min_mean"]
        check_kpis(args.kpi, "--kpi")
        if args.max_replications < args.min_replications:
            raise CliError([f"--max-replications: {args.max_replications} is below "
                            f"--min-replications {args.min_replications}"])  # fmt: skip
        if args.min_replications < 2:
            raise CliError(["--min-replications: at least 2 are needed for an interval"])
    from twin.errors import KpiNotProduced

    scenario = with_overrides(load_scenario(args.scenario), args, str(args.scenario))
    try:
        report, assessment = _run(scenario, args.out, not args.no_event_log, args.workers, args)
    except KpiNotProduced as exc:
        near = difflib.get_close_matches(exc.kpi, exc.known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise CliError([f"--kpi: {scenario.name} produces no KPI {exc.kpi!r}{hint}"]) from None
    _print_assessment(assessment, report)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``ftztwin validate``: every file is checked; exit 2 if any is invalid.

    Set-ups that run but drop or delay work are printed as named warnings.
    """
    failed = 0
    for path in args.scenarios:
        try:
            scenario = load_scenario(path)
            risk_setup(scenario, str(path))
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
        else:
            print(f"ok    {path}  ({scenario.name}, sha256 {digest(scenario)[:12]}…)")
            for w in scenario.warnings():
                print(f"warning: {path}: {w}", file=sys.stderr)
    return 2 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    """``ftztwin schema``."""
    args.output.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``ftztwin demo``: the main job on the shipped defaults."""
    from ftztwin.diff import diff_text
    from ftztwin.report import comparison_table
    from twin.readable import interval_text

    base = load_scenario(REPO_SCENARIOS / "baseline_2013.yaml")
    reform = load_scenario(REPO_SCENARIOS / "reform_2014.yaml")
    report_a, a = _run(base, args.out, True, args.workers)
    report_b, b = _run(reform, args.out, True, args.workers)
    full = comparison_table(base.name, a.results, reform.name, b.results, adjust=True)
    comparison = args.out / "comparison.md"
    inputs = diff_text(base, reform)
    comparison.write_text(
        f"# {base.name} vs {reform.name}\n\nPaired by replication (common random numbers); "
        f"p-values Holm-adjusted over every KPI.\n\n```\n{full}\n```\n\n"
        f"## Inputs that differ (`ftztwin diff`)\n\n```\n{inputs}\n```\n",
        encoding="utf-8",
    )
    print(comparison_table(base.name, a.results, reform.name, b.results, a.headline()))
    print()
    for x in (a, b):
        run = x.scenario.run
        print(f"{x.scenario.name}: unfinished share {interval_text('unfinished_share', x.unfinished_share)}; "
              f"warm-up {run.warmup_h:g} h, MSER-5 {x.warmup_verdict}")  # fmt: skip
        for w in x.warnings:
            print(f"warning: {x.scenario.name}: {w}", file=sys.stderr)
    print(f"\nreports: {report_a}, {report_b} (and .html)\ncomparison: {comparison}")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    """``ftztwin map``: the site as a figure (topology from the scenario)."""
    import matplotlib

    matplotlib.use("Agg")  # a file, never a window
    from twin.topology import build_topology, draw_map

    ax = draw_map(build_topology(load_scenario(args.scenario)))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    ax.figure.savefig(args.output, dpi=120, bbox_inches="tight")
    print(f"wrote {args.output}")
    return 0


_COMMANDS = {
    "run": cmd_run,
    "validate": cmd_validate,
    "schema": cmd_schema,
    "demo": cmd_demo,
    "map": cmd_map,
}

# Further commands live in their own modules; each has ``register(subparsers) -> dict``
# that adds its sub-parsers and returns {command name: handler}. Imported only here, so
# ``ftztwin validate`` never pays for Dask or MQTT.
_EXTENSIONS: tuple[str, ...] = (
    "ftztwin.cli_sweep",
    "ftztwin.cli_live",
    "ftztwin.cli_ledger",
    "ftztwin.cli_warmup",
    "ftztwin.cli_calibrate",
    "ftztwin.cli_forecast",
)


def _extend(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {}
    for name in _EXTENSIONS:
        handlers.update(importlib.import_module(name).register(sub))
    return handlers


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ftztwin`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader left (``ftztwin forecast … | head``): what was written to files is
        # kept, and the interpreter must not fail again flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":
    raise SystemExit(main())
