"""``ftztwin sweep`` and ``ftztwin staff``: experiments at scale (registered by ftztwin.cli).

``staff`` lives in :mod:`ftztwin.cli_staff`; it is registered here so that
:mod:`ftztwin.cli` needs no change.

Dask is imported only when a Dask backend starts, so these commands cost nothing to
register.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftztwin.cli_staff import cmd_staff
from ftztwin.cliargs import positive

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
    from ftztwin.cli_staff import register as register_staff

    register_staff(sub, _backend_args)
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
