"""The ``ftztwin`` command line.

User mistakes (bad files, bad arguments) print one clear message per problem and exit
with code 2, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ftz_spec import (
    SCHEMA_PATH,
    Scenario,
    digest,
    load_scenario,
    parse_scenario,
    schema_json,
)
from ftz_spec.errors import UserError
from ftz_spec.risk import risk_setup
from ftztwin.cliargs import hours, non_negative, positive

__all__ = ["main"]

REPO_SCENARIOS = SCHEMA_PATH.parent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ftztwin", description="Digital twin of Shanghai FTZ customs supervision."
    )
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario's replications and write the results")
    run.add_argument("scenario", type=Path)
    run.add_argument("--seed", type=non_negative, help="override run.seed")
    run.add_argument("--replications", type=positive, help="override run.replications")
    run.add_argument("--out", type=Path, default=Path("out"), help="results folder (default: out/)")
    run.add_argument("--no-event-log", action="store_true", help="do not write the event log")
    run.add_argument("--workers", type=positive, help="local processes (default: one per core)")
    run.add_argument("--hil", action="store_true", help="gates decided by a live service (HIL)")
    run.add_argument(
        "--risk-state", type=Path, help="folder: restore and save the risk engine's learning"
    )
    run.add_argument(
        "--compare", action="store_true", help="with --hil: also run in-process, compare decisions"
    )
    run.add_argument("--horizon-h", type=hours, help="override run.horizon_h")
    run.add_argument("--warmup-h", type=hours, help="override run.warmup_h")
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


def _with_overrides(scenario: Scenario, source: str, **run: float | None) -> Scenario:
    data = scenario.model_dump(mode="json")
    data["run"].update({k: v for k, v in run.items() if v is not None})
    return parse_scenario(data, source)


def _progress(total_s: float, label: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    bar = tqdm(
        total=total_s / 3600.0,
        desc=label,
        delay=1.0,  # only runs longer than about a second show a bar
        file=sys.stderr,
        leave=False,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
    )
    return bar, (lambda dt: bar.update(dt / 3600.0))


def _run(  # type: ignore[type-arg]
    scenario: Scenario,
    out: Path,
    event_log: bool,
    workers: int | None,
    risk_state: Path | None = None,
) -> tuple[Path, list]:
    from ftztwin.report import staged_dir, write_results
    from twin.experiment import default_workers, run_experiment, summarise

    workers = workers or default_workers(scenario.run.replications)
    total = scenario.run.replications * scenario.run.horizon_h * 3600.0
    bar, tick = _progress(total, scenario.name)
    final = out / scenario.name
    final.parent.mkdir(parents=True, exist_ok=True)
    with staged_dir(final) as folder:
        try:
            if risk_state is not None:
                if risk_state.exists() and not risk_state.is_dir():
                    raise UserError(f"--risk-state {risk_state}: not a folder")
                risk_state.mkdir(parents=True, exist_ok=True)
            log = folder if event_log else None
            results = run_experiment(scenario, None, log, tick, workers, risk_state)
        finally:
            bar.close()
        write_results(folder, scenario, results, summarise(results))
    return final / "report.md", results


def cmd_run(args: argparse.Namespace) -> int:
    """``ftztwin run``."""
    from ftztwin.report import headline, kpi_table
    from twin.experiment import summarise

    if args.hil:
        from ftztwin.cli_live import cmd_run_hil

        return cmd_run_hil(args)
    if args.compare:
        raise UserError("--compare: compares a HIL run with the in-process one; add --hil")

    base = load_scenario(args.scenario)
    scenario = _with_overrides(
        base,
        str(args.scenario),
        seed=args.seed,
        replications=args.replications,
        horizon_h=args.horizon_h,
        warmup_h=args.warmup_h,
    )
    report, results = _run(scenario, args.out, not args.no_event_log, args.workers, args.risk_state)
    summary = summarise(results)
    print(kpi_table(summary, headline(list(summary))))
    print(f"\nscenario {scenario.name} (sha256 {digest(scenario)[:12]}…), report: {report}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``ftztwin validate``: every file is checked; exit 2 if any is invalid."""
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
    return 2 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    """``ftztwin schema``."""
    args.output.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``ftztwin demo``: the main job on the shipped defaults."""
    from ftztwin.report import comparison_table, headline

    base = load_scenario(REPO_SCENARIOS / "baseline_2013.yaml")
    reform = load_scenario(REPO_SCENARIOS / "reform_2014.yaml")
    report_a, res_a = _run(base, args.out, True, args.workers)
    report_b, res_b = _run(reform, args.out, True, args.workers)
    full = comparison_table(base.name, res_a, reform.name, res_b)
    comparison = args.out / "comparison.md"
    comparison.write_text(f"# {base.name} vs {reform.name}\n\n```\n{full}\n```\n", encoding="utf-8")
    print(comparison_table(base.name, res_a, reform.name, res_b, headline(list(res_a[0].kpis))))
    print(f"\nreports: {report_a}, {report_b}\ncomparison: {comparison}")
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
_EXTENSIONS: tuple[str, ...] = ("ftztwin.cli_sweep", "ftztwin.cli_live", "ftztwin.cli_ledger")


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


if __name__ == "__main__":
    raise SystemExit(main())
