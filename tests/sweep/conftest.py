"""Fixtures for sweep tests: a tiny scenario on disk, a sweep file over it, a Dask cluster."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ftz_spec import Scenario, parse_scenario
from ftztwin.sweep.backends import SerialBackend, Task
from tests.conftest import MINIMAL
from twin.experiment import ReplicationResult

SWEEP = """
name: tiny_sweep
scenario: tiny.yaml
fixed: {run.horizon_h: 3, run.warmup_h: 0.5}
design: grid
replications: 3
levers:
  site.staff_pools[id=officers].count: [6, 10]
uncertainties:
  uncertainties.traffic_scale: {low: 0.8, high: 1.2, levels: 2}
outputs: [trucks_cleared, clearance_time_min_p95, "utilisation[staff/officers]"]
"""


@pytest.fixture
def tiny() -> Scenario:
    return parse_scenario(yaml.safe_load(MINIMAL), "tiny")


@pytest.fixture
def sweep_file(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    path = tmp_path / "tiny_sweep.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """A two-worker loopback LocalCluster for the module; yields its address."""
    import logging

    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # loopback, any free port (None still binds 8787)
        silence_logs=logging.ERROR,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


class CountingBackend(SerialBackend):
    """Serial, but counts tasks and can be told to 'interrupt' after some of them."""

    def __init__(self, interrupt_after: int | None = None) -> None:
        super().__init__()
        self.tasks: list[Task] = []
        self.interrupt_after = interrupt_after

    def imap(self, tasks):
        for i, result in super().imap(tasks):
            self.tasks.append(tasks[i])
            yield i, result
            if self.interrupt_after is not None and len(self.tasks) >= self.interrupt_after:
                raise KeyboardInterrupt


def same(a: list[ReplicationResult], b: list[ReplicationResult]) -> bool:
    """Exactly equal results, NaN equal to NaN."""
    if [r.replication for r in a] != [r.replication for r in b]:
        return False
    for x, y in zip(a, b, strict=True):
        if x.kpis.keys() != y.kpis.keys():
            return False
        for k, v in x.kpis.items():
            w = y.kpis[k]
            if not (v == w or (math.isnan(v) and math.isnan(w))):
                return False
    return True
