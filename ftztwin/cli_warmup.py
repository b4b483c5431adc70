"""``ftztwin warmup``: choose the warm-up with MSER-5 and plot the series (registered by ftztwin.cli)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftz_spec import load_scenario
from ftztwin.cliargs import check_kpis, progress, run_options, with_overrides

__all__ = ["cmd_warmup", "register"]


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``warmup`` sub-command; return its handler."""
    wu = sub.add_parser("warmup", help="choose the warm-up with MSER-5 and plot the series")
    wu.add_argument("scenario", type=Path)
    run_options(wu)
    wu.add_argument("--kpi", action="append", default=None,
                    help="series to judge: clearance_time_min_mean or wait_min_mean[RESOURCE] "
                         "(repeatable; default clearance time and the waits at inspection)")  # fmt: skip
    wu.add_argument("--out", type=Path, default=Path("out"), help="results folder (default: out/)")
    return {"warmup": cmd_warmup}


def cmd_warmup(args: argparse.Namespace) -> int:
    """``ftztwin warmup``: MSER-5 on the chosen series, a table and a plot."""
    from ftztwin.report import staged_dir
    from ftztwin.report_plots import plot_warmup
    from twin.assessment import warmup_check
    from twin.experiment import default_workers, run_experiment
    from twin.readable import format_number

    if args.kpi:
        check_kpis(args.kpi, "--kpi")
    scenario = with_overrides(load_scenario(args.scenario), args, str(args.scenario))
    n = scenario.run.replications
    bar, tick = progress(n * scenario.run.horizon_h * 3600.0, scenario.name)
    try:
        results = run_experiment(
            scenario, None, None, tick, args.workers or default_workers(n), detail=True
        )
    finally:
        bar.close()
    estimates, verdict = warmup_check(scenario, results, args.kpi)
    used = scenario.run.warmup_h
    rows = [
        ["series", "MSER-5 warm-up (h)", "per replication (h)", "batches", f"warm-up {used:g} h"]
    ]
    for e in estimates:
        rows.append([e.kpi, format_number(e.warmup_h), ", ".join("n/d" if math.isnan(h) else format_number(h) for h in e.per_replication_h) or "–",
                     str(e.batches), e.verdict(used)])  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(
        "\n".join(
            "  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        )
    )
    final = args.out / f"{scenario.name}_warmup"
    final.parent.mkdir(parents=True, exist_ok=True)
    with staged_dir(final) as folder:
        (folder / "warmup.png").write_bytes(plot_warmup(estimates, used))
        with (folder / "warmup.csv").open("w", encoding="utf-8") as fh:
            fh.write("series,mser5_warmup_h,determined,batches,batch,per_replication_h,verdict\n")
            for e in estimates:
                per = " ".join(f"{h:.3f}" for h in e.per_replication_h)
                fh.write(
                    f"{e.kpi},{e.warmup_h:.3f},{e.determined},{e.batches},{e.batch},{per},{e.verdict(used)}\n"
                )
    longest = max((e.warmup_h for e in estimates if e.determined), default=float("nan"))
    print(f"\nwarm-up {used:g} h: MSER-5 {verdict}; longest determined MSER-5 warm-up "
          f"{format_number(longest)} h\nplot: {final / 'warmup.png'}")  # fmt: skip
    return 0
