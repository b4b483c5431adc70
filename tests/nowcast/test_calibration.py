"""The forecast against reality: realised hours fall in the forecast's 90% intervals.

"Reality" runs on past the moment its snapshot is taken, and the forecast starts from
that snapshot alone, on replications the reality never uses. Over several seeds the
trucks at each gate in the next hour must lie inside the 5-95% band of the forecast for
at least 80% of the gate-hours: a calibration check of the forecast, not of one run.

Two realities, one check:

- **hil**: the HIL twin feeds a real gate service in another process over mosquitto,
  Modbus and ptys; at Monday 10:00 a process of the twin GETs the service's ``/state``
  (the document a live gate publishes, clock on the twin's time) and the forecast
  forks from that alone, then the HIL twin continues. The live gate cannot see trucks
  queueing before its lanes, so the fork starts them empty: the check measures what a
  real nowcast would get.
- **twin**: the in-process twin, its snapshot taken by :func:`twin_snapshot` (which
  does see the queue before the lanes).
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from core.trace import Recorder
from ftz_spec import load_scenario
from ftz_spec.snapshot import parse_snapshot, parse_snapshot_bytes
from ftztwin.hil_run import run_hil
from twin.forecast import run_forecast
from twin.initial_state import ArrivalTally, HourlyMeter, fork_from_snapshot, twin_snapshot
from twin.model import Twin

ROOT = Path(__file__).resolve().parents[2]
AT_S = 10 * 3600.0  # Monday 10:00: the morning peak is building
HOURS, REPLICATIONS, SEEDS = 1, 12, (1, 2, 3, 4)
REALITY = 900  # a replication number no forecast replication uses


def until_the_hour_after(scenario, seed):
    run = scenario.run.model_copy(
        update={
            "seed": seed,
            "horizon_h": AT_S / 3600 + HOURS,
            "warmup_h": 0.0,
            "type": "terminating",
        }
    )
    return scenario.model_copy(update={"run": run})


def twin_reality(sc):
    """Run the in-process twin; return its snapshot at AT_S and the hours after."""
    tally, meter = ArrivalTally(), HourlyMeter(AT_S, HOURS, [g.ref for g in sc.site.gates])
    twin = Twin(sc, REALITY, Recorder([tally, meter]))
    twin.arrival_tally = tally
    taken = {}

    def take():
        yield twin.world.env.timeout(AT_S)
        taken["snapshot"] = parse_snapshot(twin_snapshot(twin, sc.name))

    twin.world.env.process(take())
    twin.run()
    meter.close(twin.end_s)
    return taken["snapshot"], meter.rows()


def hil_reality(sc):
    """Run the HIL twin; GET the live service's /state at AT_S; return it and the hours after."""
    meter = HourlyMeter(AT_S, HOURS, [g.ref for g in sc.site.gates])
    taken = {}

    def at_ten(twin, url):
        def take():
            yield twin.world.env.timeout(AT_S)
            # The twin is between steps: every event it sent has been answered, so the
            # service's state is that of the gates at this simulated instant.
            with urllib.request.urlopen(url, timeout=10) as resp:
                taken["snapshot"] = parse_snapshot_bytes(resp.read(), url)

        twin.world.env.process(take())

    run = run_hil(sc, REALITY, extra_sinks=[meter], on_built=at_ten)
    assert run.service_exit_code == 0
    assert taken["snapshot"].source == "hil", "the state came from the live service"
    meter.close(sc.run.horizon_h * 3600.0)
    return taken["snapshot"], meter.rows()


@pytest.mark.slow
@pytest.mark.parametrize(
    "reality",
    [pytest.param(hil_reality, id="hil", marks=pytest.mark.service), pytest.param(twin_reality, id="twin")],
)  # fmt: skip
def test_realised_trucks_at_the_gates_fall_in_the_forecasts_90pct_intervals_for_80pct_of_gate_hours(
    reality,
):
    scenario = load_scenario(ROOT / "scenarios" / "reform_2014.yaml")
    inside = total = placed = 0
    for seed in SEEDS:
        sc = until_the_hour_after(scenario, seed)
        snap, real = reality(sc)
        assert abs(snap.clock_s - AT_S) < 600, "the snapshot is of the gates at 10:00"
        fork = fork_from_snapshot(snap, sc)
        placed += sum(len(t) for t in fork.trucks.values())
        fc = run_forecast(sc, fork, HOURS, REPLICATIONS)
        for gate in snap.gates:
            for h in range(HOURS):
                row = fc.row("trucks_at_gate", gate, h)
                value = real[("trucks_at_gate", gate, h)]
                total += 1
                inside += row.p05 <= value <= row.p95
    coverage = inside / total
    print(f"coverage {inside}/{total} = {coverage:.2f}; {placed} trucks placed from the snapshots")
    assert total == len(SEEDS) * HOURS * 8
    assert placed > 0, "the snapshots held no truck: the fork was not tested"
    assert coverage >= 0.8, f"only {inside} of {total} gate-hours inside the 90% intervals"
