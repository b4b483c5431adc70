"""The forecast against reality: realised hours fall in the forecast's 90% intervals.

"Reality" is a twin replication that runs on past the moment its snapshot is taken (by
the same snapshot code the forecast reads); the forecast starts from that snapshot alone,
on replications the reality never uses. Over several seeds the trucks at each gate in
the next hour must lie inside the 5-95% band of the forecast for at least 80% of the
gate-hours: a calibration check of the forecast, not of one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.trace import Recorder
from ftz_spec import load_scenario
from ftz_spec.snapshot import parse_snapshot
from twin.forecast import run_forecast
from twin.initial_state import ArrivalTally, HourlyMeter, fork_from_snapshot, twin_snapshot
from twin.model import Twin

ROOT = Path(__file__).resolve().parents[2]
AT_S = 10 * 3600.0  # Monday 10:00: the morning peak is building
HOURS, REPLICATIONS, SEEDS = 1, 12, (1, 2, 3, 4)
REALITY = 900  # a replication number no forecast replication uses


def reality(scenario, seed):
    """Run one replication to AT_S + HOURS; return its snapshot at AT_S and its hours after."""
    run = scenario.run.model_copy(
        update={
            "seed": seed,
            "horizon_h": AT_S / 3600 + HOURS,
            "warmup_h": 0.0,
            "type": "terminating",
        }
    )
    sc = scenario.model_copy(update={"run": run})
    tally, meter = ArrivalTally(), HourlyMeter(AT_S, HOURS, [g.ref for g in sc.site.gates])
    twin = Twin(sc, REALITY, Recorder([tally, meter]))
    twin.arrival_tally = tally
    taken = {}

    def take():
        yield twin.world.env.timeout(AT_S)
        taken["snapshot"] = twin_snapshot(twin, sc.name)

    twin.world.env.process(take())
    twin.run()
    meter.close(twin.end_s)
    return sc, parse_snapshot(taken["snapshot"]), meter.rows()


@pytest.mark.slow
def test_realised_trucks_at_the_gates_fall_in_the_forecasts_90pct_intervals_for_80pct_of_gate_hours():
    scenario = load_scenario(ROOT / "scenarios" / "reform_2014.yaml")
    inside = total = 0
    for seed in SEEDS:
        sc, snap, real = reality(scenario, seed)
        fork = fork_from_snapshot(snap, sc)
        fc = run_forecast(sc, fork, HOURS, REPLICATIONS)
        for gate in snap.gates:
            for h in range(HOURS):
                row = fc.row("trucks_at_gate", gate, h)
                value = real[("trucks_at_gate", gate, h)]
                total += 1
                inside += row.p05 <= value <= row.p95
    coverage = inside / total
    print(f"coverage {inside}/{total} = {coverage:.2f}")
    assert total == len(SEEDS) * HOURS * 8
    assert coverage >= 0.8, f"only {inside} of {total} gate-hours inside the 90% intervals"
