"""``ftztwin sweep`` and ``ftztwin staff``: experiments at scale (registered by ftztwin.cli).

Dask is imported only when a Dask backend starts, so these commands cost nothing to
register.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftz_spec import Scenario, digest, load_scenario, parse_scenario
from ftztwin.cliargs import hours, positive

__all__ = ["cmd_staff", "cmd_sweep", "register"]


def _backend_args(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument(
        "--backend",
        choices=("serial", "processes", "dask"),
        default=default,
        help=f"where replications run (default: {default})",
    )
    p.add_argument("--workers", type=positive, help="local processes / LocalCluster workers")
    p.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler (implies dask)"
    )


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``sweep`` and ``staff`` sub-commands; return their handlers."""
    sw = sub.add_parser("sweep", help="run a sweep file: designs over levers and uncertainties")
    sw.add_argument("sweep", type=Path, help="sweep file (YAML)")
    sw.add_argument("--out", type=Path, default=Path("out/sweeps"), help="default: out/sweeps/")
    sw.add_argument("--seed", type=int, help="override run.seed of every point")
    sw.add_argument("--fresh", action="store_true", help="ignore finished points; run all")
    sw.add_argument(
        "--max-points",
        type=positive,
        default=None,
        metavar="N",
        help="refuse a design of more points (default: 1000)",
    )
    _backend_args(sw, "dask")
    st = sub.add_parser("staff", help="fewest staff per role and zone that meet service levels")
    st.add_argument("scenario", type=Path)
    st.add_argument(
        "--target",
        action="append",
        required=True,
        metavar="KPI<=VALUE",
        help="service level, e.g. 'clearance_time_min_p95<=60' (repeatable); "
        "'cleared_ratio>=0.99' (trucks cleared vs the plan, same replications) is implied",
    )
    st.add_argument("--pools", help="pool ids or roles to adjust, comma-separated, or 'all'")
    st.add_argument("--horizon-h", type=hours, help="override run.horizon_h (shorter = cheaper)")
    st.add_argument("--warmup-h", type=hours, help="override run.warmup_h")
    st.add_argument("--min-reps", type=positive, default=5, help="replications per candidate")
    st.add_argument("--max-reps", type=positive, default=20, help="budget per candidate")
    st.add_argument("--out", type=Path, default=Path("out/staffing"))
    _backend_args(st, "processes")
    return {"sweep": cmd_sweep, "staff": cmd_staff}


def cmd_sweep(args: argparse.Namespace) -> int:
    """``ftztwin sweep SWEEP.yaml``."""
    from ftztwin.sweep import load_sweep, make_backend, run_sweep
    from ftztwin.sweep.spec import DEFAULT_MAX_POINTS

    spec, base = load_sweep(args.sweep, args.max_points or DEFAULT_MAX_POINTS)
    backend = make_backend(args.backend, args.workers, args.scheduler)
    try:
        outcome = run_sweep(
            spec, base, str(args.sweep), args.out, backend, seed=args.seed, fresh=args.fresh
        )
    except KeyboardInterrupt:
        print(
            f"finished points are kept in {args.out / spec.name / 'points.jsonl'}; "
            "run the same command again to resume",
            file=sys.stderr,
        )
        raise
    print(
        f"sweep {spec.name}: {outcome.points} points x {spec.replications} replications "
        f"({outcome.resumed} resumed, {outcome.replications_run} replications run on "
        f"{backend.name})\nresults: {outcome.csv}, {outcome.parquet}"
    )
    return 0


def _shortened(scenario: Scenario, horizon_h: float | None, warmup_h: float | None) -> Scenario:
    data = scenario.model_dump(mode="json")
    if horizon_h is not None:
        data["run"]["horizon_h"] = horizon_h
    if warmup_h is not None:
        data["run"]["warmup_h"] = warmup_h
    return parse_scenario(data, scenario.name)


def cmd_staff(args: argparse.Namespace) -> int:
    """``ftztwin staff SCENARIO.yaml --target ...``."""
    from ftztwin.staffing import (
        Evaluator,
        choose_pools,
        minimise_staff,
        parse_target,
        staffing_report,
        with_guard,
        write_staffing,
    )
    from ftztwin.sweep import make_backend

    scenario = _shortened(load_scenario(args.scenario), args.horizon_h, args.warmup_h)
    targets = with_guard([parse_target(t) for t in args.target])
    pools = choose_pools(scenario, args.pools, [t.kpi for t in targets])
    with make_backend(args.backend, args.workers, args.scheduler) as backend:
        ev = Evaluator(scenario, targets, backend, args.min_reps, args.min_reps, args.max_reps)
        result = minimise_staff(ev, pools)
    note = (
        f"Scenario {scenario.name} (sha256 {digest(scenario)[:12]}…), "
        f"horizon {scenario.run.horizon_h:g} h, warm-up {scenario.run.warmup_h:g} h."
    )
    print(staffing_report(result, targets, note))
    report = write_staffing(args.out / scenario.name, result, targets, note)
    print(f"\nreport: {report}")
    return 0
