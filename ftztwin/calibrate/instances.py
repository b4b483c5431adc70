"""From trace records to observations: arrivals, activity durations, gaps, device reads.

A duration is the time from an activity's START to its STOP on one resource; a truck
contributes its first instance of each activity only (the twin reuses one draw for both
gates of a transfer and for every approval level, so later instances would repeat it).
Instances still running when the log ends are cut off; so that long ones are not lost
more often than short ones, instances that start later than four times the activity's
99th percentile before the end are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ftztwin.calibrate.logs import ObservedLog, parse_attrs

__all__ = ["arrivals", "device_reads", "durations", "gap", "instances"]

_KEY = ["case_id", "activity", "resource"]


def _pairs(records: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Matched (first, second) lifecycle times per case, activity, resource and instance."""
    sub = records[records["lifecycle"].isin((first, second))]
    sub = sub.assign(n=sub.groupby([*_KEY, "lifecycle"]).cumcount())
    wide = sub.pivot_table(
        index=[*_KEY, "n"], columns="lifecycle", values="time_s", aggfunc="first"
    )
    for col in (first, second):
        if col not in wide:
            wide[col] = np.nan
    return wide.dropna(subset=[first, second]).reset_index()


def instances(log: ObservedLog, cases: set[str] | None = None) -> pd.DataFrame:
    """One row per first activity instance of a case: start, stop and duration (s)."""
    records = log.records
    if cases is not None:
        records = records[records["case_id"].isin(cases)]
    activity = records["activity"]
    work = records[(activity != "clearance") & ~activity.str.startswith("read:")]
    pairs = _pairs(work, "START", "STOP")
    pairs = pairs[pairs["n"] == 0].sort_values("START")
    pairs = pairs.drop_duplicates(["case_id", "activity"], keep="first")
    pairs = pairs.assign(duration_s=pairs["STOP"] - pairs["START"])
    keep = []
    for _, group in pairs.groupby("activity"):
        cut = 4.0 * float(np.quantile(group["duration_s"], 0.99))
        keep.append(group[group["START"] <= log.end_s - cut])
    if not keep:
        return pairs.iloc[0:0]
    return pd.concat(keep).sort_values(["activity", "START"])


def durations(inst: pd.DataFrame, activity: str, resource_suffix: str = "") -> np.ndarray:
    """Durations (s) of ``activity`` on resources ending in ``resource_suffix``."""
    sub = inst[inst["activity"] == activity]
    if resource_suffix:
        sub = sub[sub["resource"].str.endswith(resource_suffix)]
    return sub["duration_s"].to_numpy(dtype=float)


def arrivals(log: ObservedLog, cases: set[str] | None = None) -> pd.DataFrame:
    """Arrival time (s) and flow id of each truck."""
    r = log.records
    starts = r[(r["activity"] == "clearance") & (r["lifecycle"] == "START")]
    starts = starts.drop_duplicates("case_id")
    if cases is not None:
        starts = starts[starts["case_id"].isin(cases)]
    flows = starts["case_id"].map(log.flow_of)
    return pd.DataFrame({"case_id": starts["case_id"], "flow": flows, "time_s": starts["time_s"]})


def _first(records: pd.DataFrame, activity: str, lifecycle: str) -> pd.Series:
    sub = records[(records["activity"] == activity) & (records["lifecycle"] == lifecycle)]
    return sub.groupby("case_id")["time_s"].min()


def gap(
    log: ObservedLog,
    cases: set[str] | None,
    from_activity: str,
    from_lifecycle: str,
    to_activity: str,
    to_lifecycle: str,
    before: str | None = None,
) -> np.ndarray:
    """Per case, the time (s) from one record to a later one (a wait nobody serves).

    With ``before``, only cases where ``to_activity`` happens before that activity's
    first WAIT_START count (e.g. a review before the gate, not a late declaration).
    """
    r = log.records if cases is None else log.records[log.records["case_id"].isin(cases)]
    a = _first(r, from_activity, from_lifecycle)
    b = _first(r, to_activity, to_lifecycle)
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner")
    if before is not None:
        limit = _first(r, before, "WAIT_START").rename("limit")
        joined = joined.join(limit, how="left")
        joined = joined[joined["limit"].isna() | (joined["b"] <= joined["limit"])]
    out = (joined["b"] - joined["a"]).to_numpy(dtype=float)
    return out[out >= 0]


def device_reads(log: ObservedLog, cases: set[str] | None = None) -> pd.DataFrame:
    """Every device reading: case, device, kind, latency (s), outcome and error."""
    r = log.records
    reads = r[r["activity"].str.startswith("read:")]
    if cases is not None:
        reads = reads[reads["case_id"].isin(cases)]
    if reads.empty:
        return pd.DataFrame(columns=["case_id", "device", "kind", "latency_s", "outcome", "error"])
    key = ["case_id", "activity", "resource"]
    started = reads[reads["lifecycle"] == "START"].groupby(key)["time_s"].min().rename("t0")
    stops = reads[reads["lifecycle"] == "STOP"].join(started, on=key)
    attrs = [parse_attrs(a) for a in stops["attrs"]]
    return pd.DataFrame(
        {
            "case_id": stops["case_id"].to_numpy(),
            "device": stops["resource"].to_numpy(),
            "kind": stops["activity"].str.slice(5).to_numpy(),
            "latency_s": (stops["time_s"] - stops["t0"]).to_numpy(dtype=float),
            "outcome": [str(a.get("outcome", "")) for a in attrs],
            "error": [float(a["error"]) if "error" in a else np.nan for a in attrs],
        }
    )
