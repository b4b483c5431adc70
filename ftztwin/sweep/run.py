"""Running a sweep: every point's replications on a backend, resumable, into one table.

All replications of all unfinished points are submitted at once, so workers never idle
between points; a point is logged the moment its last replication returns (see
:mod:`ftztwin.sweep.store`). On restart, points whose key is in the log are not run
again. The table is always built from the log, so a resumed sweep writes exactly the
bytes an uninterrupted one would.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ftz_spec import Scenario
from ftztwin.sweep.backends import Backend, Task
from ftztwin.sweep.spec import ResolvedPoint, SweepSpec, resolve_points
from ftztwin.sweep.store import ResumeLog
from ftztwin.sweep.table import build_rows, write_csv, write_parquet
from twin.experiment import ReplicationResult

__all__ = ["SweepOutcome", "run_sweep"]


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep did and where its results are.

    Attributes:
        folder: The sweep's output folder.
        csv: The result table as CSV.
        parquet: The same table as Parquet.
        points: Points in the design (after removing duplicates).
        resumed: Points found finished in the resume log and not run again.
        replications_run: Replications run by this call.
    """

    folder: Path
    csv: Path
    parquet: Path
    points: int
    resumed: int
    replications_run: int


def _progress_bar(total: int, initial: int, label: str, enabled: bool):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc=label,
        unit="rep",
        file=sys.stderr,
        disable=not enabled,
        leave=False,
        dynamic_ncols=True,
    )


def _execute(
    todo: list[ResolvedPoint], reps: int, backend: Backend, log: ResumeLog, bar: object
) -> int:
    tasks = [Task(p.scenario, r) for p in todo for r in range(reps)]
    pending: dict[str, list[ReplicationResult]] = {p.key: [] for p in todo}
    ran = 0
    with backend:
        for i, result in backend.imap(tasks):
            point = todo[i // reps]
            pending[point.key].append(result)
            ran += 1
            bar.update(1)  # type: ignore[attr-defined]
            if len(pending[point.key]) == reps:
                log.append(point.key, point.values, pending.pop(point.key))
    return ran


def run_sweep(
    spec: SweepSpec,
    base: Scenario,
    source: str,
    out: Path,
    backend: Backend,
    *,
    seed: int | None = None,
    fresh: bool = False,
    progress: bool = True,
) -> SweepOutcome:
    """Run the sweep ``spec`` on ``base`` and write ``out/<name>/results.{csv,parquet}``.

    Args:
        spec: The validated sweep file.
        base: Its scenario.
        source: The sweep file's name, for messages.
        out: Parent folder of the sweep's folder.
        backend: Where replications run (started and closed here, only if work remains).
        seed: Overrides ``run.seed`` of every point (a new seed means new point keys).
        fresh: Forget the resume log and run every point.
        progress: Show a progress bar on stderr.

    Raises:
        SweepError: A point's scenario does not validate (checked before anything runs).
    """
    points = resolve_points(spec, base, source, seed)
    folder = out / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    log = ResumeLog(folder / "points.jsonl")
    if fresh:
        log.path.unlink(missing_ok=True)
    done = log.load()
    todo = [p for p in points if p.key not in done]
    reps = spec.replications
    bar = _progress_bar(len(points) * reps, (len(points) - len(todo)) * reps, spec.name, progress)
    try:
        ran = _execute(todo, reps, backend, log, bar) if todo else 0
    finally:
        bar.close()
    factors = spec.factors()
    rows = build_rows(points, log.load(), factors, spec.outputs)
    csv_path, parquet_path = folder / "results.csv", folder / "results.parquet"
    write_csv(csv_path, rows, factors)
    write_parquet(parquet_path, rows, factors)
    return SweepOutcome(folder, csv_path, parquet_path, len(points), len(points) - len(todo), ran)
