"""The Now page's work (现状推演): state, forecast with intervals, what-ifs (pages/now.py).

The gates' state comes from a live service (``GET /state``) or a recorded snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from ftz_spec import Scenario
from ftz_spec.errors import UserError
from ftz_spec.snapshot import Snapshot, parse_snapshot_bytes
from ftztwin.cli_forecast import fetch_snapshot

__all__ = [
    "EXAMPLE",
    "UserError",
    "fault_frame",
    "fig_forecast",
    "forecast",
    "forecast_frame",
    "load_state",
    "read_uploaded",
    "state_frame",
]

EXAMPLE = Path(__file__).resolve().parents[2] / "conf" / "snapshot_example.json"


def load_state(source: str) -> Snapshot:
    """The snapshot at ``source``: a file or a live service's ``http://HOST:PORT/state``.

    Raises:
        ftz_spec.snapshot.SnapshotError: Cannot be fetched, read or validated.
    """
    return fetch_snapshot(source.strip(), timeout_s=5.0)


def read_uploaded(data: bytes, name: str) -> Snapshot:
    """An uploaded snapshot file.

    Raises:
        ftz_spec.snapshot.SnapshotError: Not a valid snapshot.
    """
    return parse_snapshot_bytes(data, name)


def state_frame(snap: Snapshot) -> pd.DataFrame:
    """One row per gate: trucks in its lanes, queueing, announced in the last hour, decisions."""
    rows = []
    for ref, g in sorted(snap.gates.items()):
        busy = [t for t in g.lanes.values() if t is not None]
        rows.append({
            "gate 卡口": ref,
            "lanes busy 占用车道": f"{len(busy)}/{len(g.lanes)}",
            "queueing 排队": len(g.queued),
            "waiting for 等待": ", ".join(sorted({t.state for t in busy})) or "–",
            "arrivals last hour 近一小时到达": g.arrivals_last_hour,
            "decisions 判定": ", ".join(f"{k}: {v}" for k, v in sorted(g.decisions.items())) or "–",
        })  # fmt: skip
    return pd.DataFrame(rows)


def fault_frame(snap: Snapshot) -> pd.DataFrame:
    """The devices in fault (empty frame when none)."""
    rows = [
        {"device 设备": i, "kind": d.kind.value, "state": d.state, "fault": d.fault or "",
         "down (min)": round(d.down_s / 60.0, 1)}
        for i, d in sorted(snap.devices.items())
        if d.fault or d.state == "faulted"
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["device 设备", "kind", "state", "fault", "down (min)"])


def forecast(
    scenario: Scenario,
    snap: Snapshot,
    horizon_h: int,
    replications: int,
    levers: Sequence[str] = (),
    scale_to_observed: bool = False,
) -> Any:
    """Forecast from ``snap`` (do-nothing, and the action when ``levers`` are given).

    Raises:
        ftz_spec.errors.UserError: A lever or the snapshot does not fit the scenario.
    """
    from twin.forecast import parse_lever, run_forecast
    from twin.initial_state import fork_from_snapshot

    parsed = [parse_lever(t) for t in levers if t.strip()]
    fork = fork_from_snapshot(snap, scenario, scale_to_observed)
    return run_forecast(scenario, fork, horizon_h, replications, parsed)


def forecast_frame(fc: Any, metric: str = "trucks_at_gate") -> pd.DataFrame:
    """The forecast's rows of ``metric`` as a table (hour 0 starts at the snapshot)."""
    from twin.forecast import clock_label

    rows = []
    for r in fc.rows:
        if r.metric != metric or (metric == "wait_min" and r.mean == 0 and not r.action_mean):
            continue
        row = {"resource": r.resource, "hour": clock_label(fc.start_s + 3600 * r.hour),
               "mean": round(r.mean, 3), "90% low": round(r.p05, 3), "90% high": round(r.p95, 3)}  # fmt: skip
        if r.action_mean is not None:
            row |= {
                "action mean": round(r.action_mean, 3),
                "paired difference": round(r.diff_mean or 0.0, 3),
            }
        rows.append(row)
    return pd.DataFrame(rows)


def fig_forecast(fc: Any, gate: str) -> Any:
    """Trucks at ``gate`` hour by hour: do-nothing's mean and 90 % band, the action's beside it.

    Drawn bilingual under the app's CJK font settings (:mod:`ftztwin.appkit.bilingual_charts`).
    """
    from ftztwin.appkit.bilingual_charts import _rc, text

    rows = sorted((r for r in fc.rows if r.metric == "trucks_at_gate" and r.resource == gate),
                  key=lambda r: r.hour)  # fmt: skip
    hours = [r.hour for r in rows]
    with plt.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.fill_between(hours, [r.p05 for r in rows], [r.p95 for r in rows], alpha=0.25,
                        label=text("do nothing, 90% 不采取措施"))  # fmt: skip
        ax.plot(hours, [r.mean for r in rows], marker="o", label=text("do nothing, mean 均值"))
        if rows and rows[0].action_mean is not None:
            ax.fill_between(hours, [r.action_p05 for r in rows], [r.action_p95 for r in rows],
                            alpha=0.25, label=text("action, 90% 采取措施"))  # fmt: skip
            ax.plot(hours, [r.action_mean for r in rows], marker="s",
                    label=text("action, mean 措施均值"))  # fmt: skip
        ax.set_xlabel(text("hours from now 距现在小时数"))
        ax.set_ylabel(text("trucks at the gate 卡口车辆"))
        ax.set_title(gate)
        ax.legend(fontsize=7)
        fig.tight_layout()
    return fig
