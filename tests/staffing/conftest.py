"""A fake twin for the optimiser's tests: known, monotone queues with CRN noise."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from ftz_spec import Scenario, parse_scenario
from ftztwin.sweep.backends import Backend
from tests.conftest import MINIMAL
from twin.experiment import ReplicationResult


def fake_kpis(counts: dict[str, int], replication: int) -> dict[str, float]:
    """Waits fall as a pool grows; noise depends only on the replication (CRN).

    ``clearance_time_min_mean`` adds the waits of ``officers`` and ``docs`` (a tandem:
    an end-to-end target can be met by trading officers between the two pools).
    """
    noise = np.random.default_rng([replication]).normal(0.0, 1.0, size=len(counts))
    short = min(counts.values()) < 4
    out = {"trucks_cleared": 60.0 if short else 100.0}
    out.update(arrived_work=100.0, unfinished_work=40.0 if short else 1.0)
    for (pool, n), e in zip(sorted(counts.items()), noise, strict=True):
        out[f"wait_min_p95[staff/{pool}]"] = 120.0 / n + e
    out["clearance_time_min_mean"] = (
        100.0 / counts["officers"] + 400.0 / counts["docs"] + 0.3 * noise[0]
    )
    return out


class FakeTwin(Backend):
    """Answers tasks with :func:`fake_kpis` and records which replications were asked."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__(1)
        self.asked: list[tuple[tuple[int, ...], int]] = []

    def imap(self, tasks):
        for i, t in enumerate(tasks):
            counts = {p.id: p.count for p in t.scenario.site.staff_pools}
            self.asked.append((tuple(sorted(counts.items())), t.replication))
            yield i, ReplicationResult(t.replication, fake_kpis(counts, t.replication))


@pytest.fixture
def tiny() -> Scenario:
    return parse_scenario(yaml.safe_load(MINIMAL), "tiny")


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path
