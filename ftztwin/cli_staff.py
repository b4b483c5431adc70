"""``ftztwin staff``: the staffing study from the command line (registered by cli_sweep).

Modes (``--mode``): ``joint`` (default: requirements and shifts as warm start, joint
search, ranking and selection), ``shifts``, ``requirements`` and ``pool`` (the older
pool-by-pool bisection). See :mod:`ftztwin.staffing`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftz_spec import Scenario, digest, load_scenario, parse_scenario
from ftztwin.cliargs import hours, non_negative, positive

__all__ = ["cmd_staff", "register"]


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must lie between 0 and 1, got {value}")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def register(sub: Any, backend_args: Callable[[argparse.ArgumentParser, str], None]) -> None:
    """Add the ``staff`` sub-command (its handler is :func:`cmd_staff`)."""
    from ftztwin.staffing import FAMILIES, MODES

    st = sub.add_parser("staff", help="fewest staff per pool and shift that meet service levels")
    st.add_argument("scenario", type=Path)
    st.add_argument(
        "--target", action="append", required=True, metavar="KPI<=VALUE",
        help="service level, e.g. 'wait_min_p95[staff/insp_ys]<=30' (repeatable); work left "
        "undone is held against every candidate ('unfinished_excess<=0.01' is implied)",
    )  # fmt: skip
    st.add_argument("--mode", choices=MODES, default="joint", help="default: joint")
    st.add_argument("--pools", help="pool ids or roles to adjust, comma-separated, or 'all'")
    st.add_argument("--horizon-h", type=hours, help="override run.horizon_h (shorter = cheaper)")
    st.add_argument("--warmup-h", type=hours, help="override run.warmup_h")
    st.add_argument("--allow-partial-window", action="store_true",
                    help="warn instead of refusing a window that misses a flow's peak hours")  # fmt: skip
    g = st.add_argument_group("search")
    g.add_argument("--trials", type=positive, default=24, help="joint-search trials (default 24)")
    g.add_argument("--keep-rosters", action="store_true", help="search headcounts only")
    g.add_argument("--shift-family", action="append", choices=FAMILIES,
                   help="shift families allowed (repeatable; default: the pool's own, then 8h)")  # fmt: skip
    g.add_argument("--min-reps", type=positive, default=5, help="replications per candidate")
    g.add_argument("--max-reps", type=positive, default=15, help="budget per candidate")
    g.add_argument("--workload-reps", type=positive, default=3, help="replications measuring load")
    g.add_argument("--default-wait-min", type=_number, default=30.0,
                   help="hourly rule for pools no target names: P(wait > this) <= --default-tail")  # fmt: skip
    g.add_argument("--default-tail", type=_share, default=0.05)
    g.add_argument("--seed", type=non_negative, default=0, help="sampler seed")
    s = st.add_argument_group("selection")
    s.add_argument("--shortlist", type=positive, default=4, help="candidates carried into R&S")
    s.add_argument("--select-reps", type=positive, default=30, help="budget per candidate")
    s.add_argument(
        "--objective", default="clearance_time_min_mean", help="KPI minimised among ties"
    )
    s.add_argument("--indifference", type=_number, default=1.0, help="indifference zone (KPI unit)")
    s.add_argument("--alpha", type=_share, default=0.05, help="error rate (default 0.05)")
    c = st.add_argument_group("plan constraints")
    c.add_argument("--max-total", type=non_negative, help="officers in all pools at most")
    c.add_argument("--min-total", type=non_negative, help="officers in all pools at least")
    c.add_argument("--split-tolerance", type=_number, metavar="PP",
                   help="each group within PP points of 5 : 20 : 75")  # fmt: skip
    c.add_argument("--plan-figures", action="store_true",
                   help="support <= 20 and document review + gate <= 143")  # fmt: skip
    st.add_argument("--out", type=Path, default=Path("out/staffing"))
    backend_args(st, "processes")


def _shortened(scenario: Scenario, horizon_h: float | None, warmup_h: float | None) -> Scenario:
    data = scenario.model_dump(mode="json")
    if horizon_h is not None:
        data["run"]["horizon_h"] = horizon_h
    if warmup_h is not None:
        data["run"]["warmup_h"] = warmup_h
    return parse_scenario(data, scenario.name)


def _progress(share: float, text: str) -> None:
    print(f"[{100 * share:3.0f}%] {text}", file=sys.stderr, flush=True)


def cmd_staff(args: argparse.Namespace) -> int:
    """``ftztwin staff SCENARIO.yaml --target ...``."""
    from ftztwin.staffing import (
        PlanLimits,
        Request,
        WaitRule,
        choose_pools,
        parse_target,
        report_markdown,
        run_staffing,
        write_report,
    )
    from ftztwin.sweep import make_backend

    scenario = _shortened(load_scenario(args.scenario), args.horizon_h, args.warmup_h)
    targets = tuple(parse_target(t) for t in args.target)
    pools = tuple(choose_pools(scenario, args.pools, [t.kpi for t in targets]))
    request = Request(
        targets=targets, pools=pools, mode=args.mode, keep_rosters=args.keep_rosters,
        families=tuple(args.shift_family) if args.shift_family else None, trials=args.trials,
        shortlist=args.shortlist, min_reps=args.min_reps, max_reps=args.max_reps,
        select_reps=args.select_reps, workload_reps=args.workload_reps,
        objective=args.objective, indifference=args.indifference, alpha=args.alpha,
        limits=PlanLimits(args.max_total, args.min_total, args.split_tolerance, args.plan_figures),
        allow_partial_window=args.allow_partial_window,
        default_rule=WaitRule(args.default_wait_min, args.default_tail), seed=args.seed,
    )  # fmt: skip
    with make_backend(args.backend, args.workers, args.scheduler) as backend:
        outcome = run_staffing(scenario, request, backend, _progress)
    for w in outcome.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(report_markdown(outcome))
    report = write_report(args.out / scenario.name, outcome)
    print(f"scenario {scenario.name} (sha256 {digest(scenario)[:12]}…); report: {report}")
    return 0
