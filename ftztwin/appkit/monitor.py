"""The central-monitoring view (中央监控平台) replayed from an event log.

At a chosen moment the view shows what the platform's screens would: trucks queued at
each gate, each gate's device status, and the alarms of the last hour. Everything is
read back from the records; a gate's "device fault" is a gate check whose reasons name
one, exactly as the gate controller recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ftz_spec import Scenario

__all__ = ["Snapshot", "gates_in", "read_uploaded_log", "snapshot"]

_ALARM_OUTCOMES_PASS = "pass"


@dataclass(frozen=True)
class Snapshot:
    """What the monitoring screens show at ``time_h``."""

    time_h: float
    in_system: int
    queued: int
    queues: pd.DataFrame  # gate, queued
    devices: pd.DataFrame  # resource, status, faults_last_window, last_fault_h
    alarms: pd.DataFrame  # time_h, gate, case_id, outcome, reasons


def gates_in(events: pd.DataFrame) -> list[str]:
    """Return the gates (``<zone>/<gate>``) that appear in the log."""
    res = events.loc[events["activity"] == "gate_queue", "resource"].unique()
    return sorted(str(r).removesuffix("/lanes") for r in res)


def _down(scenario: Scenario | None, resource: str, t_h: float) -> bool:
    """Whether the scenario takes ``resource`` (a gate or ``<zone>/h986``) out at ``t_h``."""
    if scenario is None:
        return False
    return any(
        o.resource == resource and o.from_h <= t_h < o.to_h for o in scenario.uncertainties.outages
    )


def snapshot(
    events: pd.DataFrame, time_h: float, window_h: float = 1.0, scenario: Scenario | None = None
) -> Snapshot:
    """Return the monitoring view at ``time_h`` (alarms of the preceding ``window_h``)."""
    t, since = time_h * 3600.0, (time_h - window_h) * 3600.0
    upto = events[events["time_s"] <= t]
    clr = upto[upto["activity"] == "clearance"]
    in_system = (
        clr["case_id"][clr["lifecycle"] == "START"].nunique()
        - clr["case_id"][clr["lifecycle"] == "STOP"].nunique()
    )
    waits = upto[upto["activity"] == "gate_queue"]
    level = waits["lifecycle"].map({"WAIT_START": 1, "WAIT_STOP": -1}).fillna(0)
    by_gate = level.groupby(waits["resource"].str.removesuffix("/lanes")).sum()
    gates = gates_in(events)
    queues = pd.DataFrame({"gate": gates, "queued": [int(by_gate.get(g, 0)) for g in gates]})
    checks = upto[
        (upto["activity"] == "gate_check")
        & (upto["lifecycle"] == "STOP")
        & (upto["time_s"] > since)
    ]
    outcomes = [a.get("outcome", _ALARM_OUTCOMES_PASS) for a in checks["attrs"]]
    reasons = [str(a.get("reasons", "")) for a in checks["attrs"]]
    alarms = pd.DataFrame(
        {
            "time_h": checks["time_s"].to_numpy() / 3600.0,
            "gate": checks["resource"].str.removesuffix("/lanes").to_numpy(),
            "case_id": checks["case_id"].to_numpy(),
            "outcome": pd.Series(outcomes, dtype=object),
            "reasons": pd.Series(reasons, dtype=object),
        }
    )
    alarms = alarms[alarms["outcome"] != _ALARM_OUTCOMES_PASS]
    alarms = alarms.sort_values("time_h", ascending=False).reset_index(drop=True)
    is_fault = [("device_fault" in r or "timeout" in r) for r in alarms["reasons"]]
    faults = alarms.loc[np.array(is_fault, dtype=bool)]
    rows = []
    for g in gates:
        mine = faults.loc[(faults["gate"] == g).to_numpy(dtype=bool)]
        if _down(scenario, g, time_h):
            status = "out of service 停用"
        elif len(mine):
            status = "fault 故障"
        else:
            status = "ok 正常"
        last = float(mine["time_h"].max()) if len(mine) else float("nan")
        rows.append((g, status, len(mine), last))
    if scenario is not None:
        for zone, count in sorted(scenario.levers.h986.items()):
            if count:
                res = f"{zone}/h986"
                status = "out of service 停用" if _down(scenario, res, time_h) else "ok 正常"
                rows.append((res, status, 0, float("nan")))
    devices = pd.DataFrame(
        rows, columns=["resource", "status", "faults_last_window", "last_fault_h"]
    )
    return Snapshot(time_h, int(in_system), int(queues["queued"].sum()), queues, devices, alarms)


def read_uploaded_log(data: bytes) -> pd.DataFrame:
    """Read an event-log CSV given as bytes (an upload) and check its columns.

    Raises:
        ValueError: The bytes are not an event log (unreadable, or columns missing).
    """
    import io

    from ftz_stores.eventlog import COLUMNS
    from ftztwin.appkit.runs import read_log

    try:
        text = data.decode("utf-8")
        columns = pd.read_csv(io.StringIO(text), nrows=0).columns
        missing = [c for c in COLUMNS if c not in columns]
        if missing:
            raise ValueError(f"not an event log: missing columns {', '.join(missing)}")
        frame = read_log(io.StringIO(text))
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"not a readable event log: {exc}") from None
    except ValueError as exc:  # also bad JSON in attrs and times that are not numbers
        if str(exc).startswith("not an event log"):
            raise
        raise ValueError(f"not a readable event log: {exc}") from None
    return frame
