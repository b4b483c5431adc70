"""Experiments at scale: designs over levers and uncertainties, run on one of three backends.

* :mod:`~ftztwin.sweep.backends` — serial, local processes, Dask distributed; identical
  results for the same seeds.
* :mod:`~ftztwin.sweep.spec` — sweep files (YAML), their factors and points.
* :mod:`~ftztwin.sweep.design` — full grid and Latin hypercube.
* :mod:`~ftztwin.sweep.run` — a resumable sweep into a CSV / Parquet table with CIs.
"""

from ftztwin.sweep.backends import (
    BACKENDS,
    Backend,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    Task,
    make_backend,
    replicate,
    run_replications,
)
from ftztwin.sweep.design import Factor, full_grid, latin_hypercube, lhs_unit
from ftztwin.sweep.errors import SweepError
from ftztwin.sweep.paths import PathSyntaxError, apply, get_path, parse_path, set_path
from ftztwin.sweep.run import SweepOutcome, run_sweep
from ftztwin.sweep.spec import ResolvedPoint, SweepSpec, load_sweep, point_key, resolve_points

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "Factor",
    "PathSyntaxError",
    "ProcessBackend",
    "ResolvedPoint",
    "SerialBackend",
    "SweepError",
    "SweepOutcome",
    "SweepSpec",
    "Task",
    "apply",
    "full_grid",
    "get_path",
    "latin_hypercube",
    "lhs_unit",
    "load_sweep",
    "make_backend",
    "parse_path",
    "point_key",
    "replicate",
    "resolve_points",
    "run_replications",
    "run_sweep",
    "set_path",
]
