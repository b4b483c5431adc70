"""Where trucks (and the work they bring) wait: every resource, over time, and the bottleneck.

Every resource that work queues for is listed — gate lanes (卡口), staff pools by zone and
role, inspection bays (查验场地) and H986 scanners (H986集装箱检查系统) — with the twin's own
KPIs over all replications: mean number waiting (``queue_len_mean``), mean and p95 wait,
utilisation. The *bottleneck* is the resource with the most work waiting on average: by
Little's law that is the one holding the most waiting time in total (waiting hours per
hour), so it is where added capacity shortens the most waits.

The series over time re-draw the event log of replication 1: the number waiting per
resource (the running count of WAIT_START minus WAIT_STOP, whatever the activity) and
the mean wait of the waits that ended in each bin. The flow view counts trucks from their
zone through the clearance lane the risk engine chose (通道: auto release, documentary,
scan, physical, post audit) to how they left through the gate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ftz_spec import Scenario
from ftztwin.appkit.frames import ROLE_LABELS, queue_levels
from twin.stats import Interval

__all__ = [
    "KIND_LABELS",
    "LANE_LABELS",
    "Bottleneck",
    "bottleneck",
    "flow_links",
    "queue_series",
    "resources",
    "wait_series",
    "wait_table",
    "waiting_at",
]

KIND_LABELS = {
    "gate": "Gate lanes 卡口",
    "staff": "Staff pool 人员",
    "bays": "Inspection bays 查验场地",
    "h986": "H986 scanner H986检查系统",
}
LANE_LABELS = {
    "auto_release": "Auto release 自动放行",
    "documentary": "Documentary review 单证审核",
    "scan": "H986 scan 机检",
    "physical": "Physical inspection 人工查验",
    "post_audit": "Release, post audit 放行后稽查",
}
_LEFT_LABELS = {
    "pass": "Gate passed 卡口放行",
    "manual_post": "Gate, manual check 卡口人工核放",
    "inspection": "Gate, sent to inspection 卡口转查验",
}
_NAN = Interval(math.nan, math.nan, math.nan, 0)


def resources(scenario: Scenario) -> pd.DataFrame:
    """Every resource work can wait for: id, kind, zone, role, label, whether trucks wait."""
    zone_name = {z.id: z.name for z in scenario.site.zones}
    rows: list[tuple[str, str, str, str, str, bool]] = []
    for g in scenario.site.gates:
        rows.append((f"{g.ref}/lanes", "gate", g.zone, "", f"{g.ref} ({g.lanes} lanes 车道)", True))
    for p in scenario.site.staff_pools:
        role = ROLE_LABELS.get(p.role.value, p.role.value)
        # Field pools (document review, gate, inspection) hold trucks up; the others
        # (risk, support, IT, audit) queue office work that no truck waits for.
        field = p.role.group == "field"
        rows.append((f"staff/{p.id}", "staff", p.zone or "all", role, f"{p.id}: {role}", field))
    for z in scenario.site.zones:
        if z.inspection_bays:
            rows.append(
                (f"{z.id}/inspection_bays", "bays", z.id, "",
                 f"{z.id} inspection bays 查验场地 ({z.inspection_bays})", True)
            )  # fmt: skip
    for zone, count in sorted(scenario.levers.h986.items()):
        if count:
            rows.append((f"{zone}/h986", "h986", zone, "", f"{zone} H986 ({count})", True))
    cols = ["resource", "kind", "zone", "role", "label", "trucks_wait"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["zone_name"] = frame["zone"].map(zone_name).fillna("all zones 全关区")
    return frame


def wait_table(summary: Mapping[str, Interval], scenario: Scenario) -> pd.DataFrame:
    """Every resource with its waiting KPIs over all replications, most work waiting first.

    Columns: resource, kind, zone, role, label, queue_len_mean (with ``_low``/``_high``),
    wait_min_mean (with ``_low``/``_high``), wait_min_p95, utilisation, replications.
    A resource the twin reports nothing for (never used) has NaN, never a made-up zero.
    """
    frame = resources(scenario)
    cols: dict[str, list[float]] = {k: [] for k in (
        "queue_len_mean", "queue_len_low", "queue_len_high", "wait_min_mean", "wait_min_low",
        "wait_min_high", "wait_min_p95", "utilisation", "replications",
    )}  # fmt: skip
    for res in frame["resource"]:
        q = summary.get(f"queue_len_mean[{res}]", _NAN)
        w = summary.get(f"wait_min_mean[{res}]", _NAN)
        cols["queue_len_mean"].append(q.mean)
        cols["queue_len_low"].append(q.low)
        cols["queue_len_high"].append(q.high)
        cols["wait_min_mean"].append(w.mean)
        cols["wait_min_low"].append(w.low)
        cols["wait_min_high"].append(w.high)
        cols["wait_min_p95"].append(summary.get(f"wait_min_p95[{res}]", _NAN).mean)
        cols["utilisation"].append(summary.get(f"utilisation[{res}]", _NAN).mean)
        cols["replications"].append(float(q.n))
    out = frame.assign(**cols)
    out["replications"] = out["replications"].astype(int)
    return out.sort_values(
        ["queue_len_mean", "wait_min_mean"], ascending=False, na_position="last", kind="stable"
    ).reset_index(drop=True)


@dataclass(frozen=True)
class Bottleneck:
    """The resource with the most work waiting on average, and the sentence naming it."""

    resource: str
    label: str
    kind: str
    queue_len_mean: float
    queue_len_low: float
    queue_len_high: float
    wait_min_mean: float
    share_of_waiting: float  # of all waiting (items waiting, summed over resources)
    replications: int

    def sentence(self) -> str:
        """One line for the page: what, how much waits there, and its share of all waiting."""
        return (
            f"Bottleneck 瓶颈: **{self.label}** ({KIND_LABELS[self.kind]}) — on average "
            f"{self.queue_len_mean:.2f} waiting (95% CI {self.queue_len_low:.2f}–"
            f"{self.queue_len_high:.2f}, {self.replications} replications), mean wait "
            f"{self.wait_min_mean:.1f} min; {self.share_of_waiting:.0%} of all work waiting."
        )


def bottleneck(table: pd.DataFrame, trucks_only: bool = True) -> Bottleneck | None:
    """The bottleneck of :func:`wait_table`'s table; None when nothing waits there.

    ``trucks_only`` looks only at resources a truck waits for (gates, field staff,
    inspection bays, scanners); otherwise at office work too.
    """
    if trucks_only:
        table = table[table["trucks_wait"]]
    q = table["queue_len_mean"].fillna(0.0)
    if q.empty or float(q.max()) <= 0.0:
        return None
    row = table.loc[q.idxmax()]
    return Bottleneck(
        str(row["resource"]), str(row["label"]), str(row["kind"]), float(row["queue_len_mean"]),
        max(0.0, float(row["queue_len_low"])), float(row["queue_len_high"]),
        float(row["wait_min_mean"]), float(row["queue_len_mean"]) / float(q.sum()),
        int(row["replications"]),
    )  # fmt: skip


def _waits(events: pd.DataFrame) -> pd.DataFrame:
    mask = events["lifecycle"].isin(["WAIT_START", "WAIT_STOP"])
    return events.loc[mask, ["case_id", "activity", "lifecycle", "resource", "time_s"]]


def queue_series(events: pd.DataFrame, bin_min: float = 15.0) -> pd.DataFrame:
    """Number waiting per resource: the longest queue in each bin (index: hours).

    The level counts waits for the resource from every activity (a staff pool serves
    several); each bin starts with the level the previous one ended with, and a wait
    that starts and ends at one instant is never counted as a queue.
    """
    waits = _waits(events)
    if waits.empty:
        return pd.DataFrame()
    out = queue_levels(waits, bin_min).astype(float)
    out.columns.name = None
    return out


def waiting_at(events: pd.DataFrame, time_h: float) -> pd.DataFrame:
    """Number waiting at each resource at ``time_h``: resource, waiting (the replay's view)."""
    waits = _waits(events)
    upto = waits[waits["time_s"] <= time_h * 3600.0]
    step = upto["lifecycle"].map({"WAIT_START": 1, "WAIT_STOP": -1})
    level = step.groupby(upto["resource"]).sum()
    out = level.rename("waiting").reset_index()
    out["waiting"] = out["waiting"].astype(float)
    return out.sort_values("waiting", ascending=False, kind="stable").reset_index(drop=True)


def wait_series(events: pd.DataFrame, bin_min: float = 15.0) -> pd.DataFrame:
    """Mean wait (min) per resource of the waits that ended in each bin (index: hours).

    A WAIT_STOP is paired with the WAIT_START of the same case, activity and resource in
    order (the k-th stop with the k-th start). Bins where no wait ended are NaN.
    """
    waits = _waits(events)
    if waits.empty:
        return pd.DataFrame()
    waits = waits.sort_values("time_s", kind="stable")
    keys = ["case_id", "activity", "resource"]
    starts = waits[waits["lifecycle"] == "WAIT_START"].copy()
    stops = waits[waits["lifecycle"] == "WAIT_STOP"].copy()
    starts["k"] = starts.groupby(keys).cumcount()
    stops["k"] = stops.groupby(keys).cumcount()
    pairs = stops.merge(starts, on=[*keys, "k"], suffixes=("", "_start"))
    pairs["wait_min"] = (pairs["time_s"] - pairs["time_s_start"]) / 60.0
    pairs["bin"] = (pairs["time_s"] // (bin_min * 60.0)).astype(int)
    out = pairs.groupby(["bin", "resource"])["wait_min"].mean().unstack()
    out = out.reindex(range(int(pairs["bin"].max()) + 1))
    out.index = out.index * bin_min / 60.0
    out.index.name = "time_h"
    out.columns.name = None
    return out


def flow_links(events: pd.DataFrame) -> pd.DataFrame:
    """Trucks from zone to clearance lane (通道) to how they left: source, target, trucks.

    Every truck that started clearance counts once in each stage; one still inside at
    the end of the run goes to "still inside 未完成" (never dropped).
    """
    clr = events[events["activity"] == "clearance"]
    starts = clr[clr["lifecycle"] == "START"].drop_duplicates("case_id")
    stops = clr[clr["lifecycle"] == "STOP"].drop_duplicates("case_id", keep="last")
    left = {
        c: _LEFT_LABELS.get(str(a.get("outcome")), f"Gate: {a.get('outcome')}")
        for c, a in zip(stops["case_id"], stops["attrs"], strict=True)
    }
    rows = []
    for case, zone, attrs in zip(
        starts["case_id"], starts["resource"], starts["attrs"], strict=True
    ):
        lane = attrs.get("decided_lane", "unknown")
        rows.append(
            (str(zone), LANE_LABELS.get(lane, str(lane)), left.get(case, "Still inside 未完成"))
        )
    if not rows:
        return pd.DataFrame(columns=["stage", "source", "target", "trucks"])
    trucks = pd.DataFrame(rows, columns=["zone", "lane", "left"])
    first = trucks.groupby(["zone", "lane"]).size().reset_index(name="trucks")
    second = trucks.groupby(["lane", "left"]).size().reset_index(name="trucks")
    return pd.concat(
        [
            first.rename(columns={"zone": "source", "lane": "target"}).assign(stage=1),
            second.rename(columns={"lane": "source", "left": "target"}).assign(stage=2),
        ],
        ignore_index=True,
    )[["stage", "source", "target", "trucks"]]
