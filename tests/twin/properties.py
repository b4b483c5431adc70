"""Short runs on common random numbers, with the risk engine's selection held fixed.

The risk table learns from inspection results (the closed loop), so a capacity change
that moves *when* a result comes back can move later selections too. For properties
stated "with selection held fixed" the runs use the shipped risk table with learning
switched off for every attribute, and violators that do not adapt when caught.

The plan's mechanisms (issue 16) make selection depend on staff on purpose, so they are
switched off too: capacity-aware selection (it reads the inspection queues), the
analysts' pre-arrival review (done only when an analyst is free) and the targeted
controls the analysts' research issues (their number and timing follow analyst-hours,
and a control is withdrawn after its inspections come back). Analysts still process
results and research, auditors still audit: with learning off neither moves a lane.
Then every declaration gets the same lane whatever the capacity, and only the queues
differ.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ftz_spec import load_scenario, merge, parse_scenario
from tests.conftest import SCENARIOS
from twin.experiment import run_replication

__all__ = ["capacities", "fixed_selection", "fixed_selection_risk_file", "kpis", "short"]

HORIZON_H, WARMUP_H = 10.0, 2.0
NO_LEADS_H = 1e12  # research hours per lead: far beyond any run


@cache
def fixed_selection_risk_file() -> str:
    """The shipped risk table with every attribute's learning off (written once per run)."""
    import tempfile

    data = yaml.safe_load((SCENARIOS / "risk" / "default_risk_table.yaml").read_text("utf-8"))
    for attr in data["attributes"].values():
        attr["learn"] = False
    folder = Path(tempfile.mkdtemp(prefix="ftz-fixed-selection-"))
    path = folder / "no_learning_risk_table.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def fixed_selection() -> dict[str, Any]:
    """Overrides that hold selection fixed (see the module doc)."""
    return {
        "levers": {
            "risk_file": fixed_selection_risk_file(),
            "capacity_aware_selection": False,
            "targeting": {"prearrival_review": False},
        },
        "uncertainties": {
            "enterprises": {"adapt_probability": 0.0},
            # No research hours ever add up to a lead: no analysts' controls.
            "intelligence": {"lead_h": NO_LEADS_H},
        },
    }


def short(name: str = "reform_2014", fixed: bool = True, **overrides: Any):
    """A shipped scenario on a short horizon (steady state, drained), overrides merged."""
    data = load_scenario(SCENARIOS / f"{name}.yaml").model_dump(mode="json")
    data["run"].update(horizon_h=HORIZON_H, warmup_h=WARMUP_H, event_log="none")
    if fixed:
        data = merge(data, fixed_selection())
    return parse_scenario(merge(data, overrides), f"{name} (property variant)")


@cache
def _kpis_cached(key: str, replication: int) -> dict[str, float]:
    scenario = parse_scenario(yaml.safe_load(key), "cached variant")
    return run_replication(scenario, replication).kpis


def kpis(scenario, replication: int = 0) -> dict[str, float]:
    """KPIs of one replication (cached by the scenario's content within a test process)."""
    return _kpis_cached(
        yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=True), replication
    )


def capacities(name: str = "reform_2014") -> dict[str, dict[str, Any]]:
    """Every capacity of a shipped scenario, each halved (kept feasible): id → overrides.

    Staff pools (headcount), each zone's inspection bays, each zone's H986 scanners (one
    fewer), each gate's lanes.
    """
    s = load_scenario(SCENARIOS / f"{name}.yaml")
    out: dict[str, dict[str, Any]] = {}
    for pool in s.site.staff_pools:
        count = pool.count // 2
        while not _feasible(s, pool.id, count):
            count += 1
        out[f"staff/{pool.id}"] = {"site": {"staff_pools": [{"id": pool.id, "count": count}]}}
    for zone in s.site.zones:
        if zone.inspection_bays > 1:
            bays = {"id": zone.id, "inspection_bays": max(1, zone.inspection_bays // 2)}
            out[f"{zone.id}/inspection_bays"] = {"site": {"zones": [bays]}}
    for zone, n in sorted(s.levers.h986.items()):
        if n > 0:
            out[f"{zone}/h986"] = {"levers": {"h986": {zone: n - 1}}}
    for gate in s.site.gates:
        if gate.lanes > 1:
            lanes = {"id": gate.id, "zone": gate.zone, "lanes": max(1, gate.lanes // 2)}
            out[f"{gate.ref}/lanes"] = {"site": {"gates": [lanes]}}
    return out


def _feasible(s, pool_id: str, count: int) -> bool:
    from ftz_spec.errors import ScenarioError

    data = merge(
        s.model_dump(mode="json"), {"site": {"staff_pools": [{"id": pool_id, "count": count}]}}
    )
    try:
        parse_scenario(data)
    except ScenarioError:
        return False
    return True
