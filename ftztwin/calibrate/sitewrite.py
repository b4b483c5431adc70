"""The twin's event log written as a site's transaction CSV (the reverse of :mod:`.sitelog`).

``ftztwin observe --format site`` uses it to produce a log in the format a real site
exports, so the documented format has a working example and a test can check that both
formats give the same calibration.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ftztwin.calibrate.sitelog import SITE_COLUMNS

__all__ = ["ORIGIN", "trace_to_site"]

ORIGIN = pd.Timestamp("2013-03-04T00:00:00")  # a Monday: time 0 of the twin
_OFFSET = "+08:00"  # China Standard Time


def _stamp(seconds: pd.Series) -> pd.Series:
    t = ORIGIN + pd.to_timedelta(seconds.astype(float), unit="s")
    text = t.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + _OFFSET
    return text.fillna("")


def _lifecycles(records: pd.DataFrame, activity_of: pd.Series) -> pd.DataFrame:
    """One row per activity instance: its lifecycle times, side by side."""
    r = records.assign(activity=activity_of)
    r = r.assign(n=r.groupby(["case_id", "activity", "resource", "lifecycle"]).cumcount())
    wide = r.pivot_table(index=["case_id", "activity", "resource", "n"], columns="lifecycle",
                         values="time_s", aggfunc="first")  # fmt: skip
    for col in ("WAIT_START", "WAIT_STOP", "START", "STOP"):
        if col not in wide:
            wide[col] = np.nan
    return wide.reset_index()


def trace_to_site(records: pd.DataFrame, flow_of: dict[str, str]) -> pd.DataFrame:
    """Site rows (docs/site-log-format.md) for the trace records of an observed log."""
    act = records["activity"]
    plain = records[~act.isin(("clearance",)) & ~act.str.startswith("read:")]
    merged = plain["activity"].where(plain["activity"] != "gate_queue", "gate_check")
    work = _lifecycles(plain, merged).dropna(subset=["START", "STOP"])
    work["arrival"] = work["WAIT_START"].fillna(work["START"])
    stops = plain[(plain["lifecycle"] == "STOP") & (plain["activity"] == "gate_check")]
    outcome = {
        (c, r): json.loads(a).get("outcome", "") if a else ""
        for c, r, a in zip(stops["case_id"], stops["resource"], stops["attrs"], strict=True)
    }
    work["outcome"] = [
        outcome.get((c, r), "") if a == "gate_check" else ""
        for c, r, a in zip(work["case_id"], work["resource"], work["activity"], strict=True)
    ]
    clear = records[act == "clearance"]
    cl = _lifecycles(clear, clear["activity"]).dropna(subset=["START"])
    reads = records[act.str.startswith("read:")]
    rd = _lifecycles(reads, reads["activity"]).dropna(subset=["START", "STOP"])
    read_stops = reads[reads["lifecycle"] == "STOP"]
    attrs = [json.loads(a) if a else {} for a in read_stops["attrs"]]
    rd = rd.sort_values(["case_id", "activity", "resource", "n"]).reset_index(drop=True)
    read_stops = read_stops.assign(
        n=read_stops.groupby(["case_id", "activity", "resource"]).cumcount(),
        outcome=[a.get("outcome", "") for a in attrs],
        error=[str(a["error"]) if "error" in a else "" for a in attrs],
    )
    rd = rd.merge(read_stops[["case_id", "activity", "resource", "n", "outcome", "error"]],
                  on=["case_id", "activity", "resource", "n"], how="left")  # fmt: skip
    frames = [
        pd.DataFrame({"truck": cl["case_id"], "activity": "clearance", "resource": cl["resource"],
                      "arrival": _stamp(cl["START"]), "departure": _stamp(cl["STOP"]),
                      "flow": cl["case_id"].map(flow_of).fillna("")}),
        pd.DataFrame({"truck": work["case_id"], "activity": work["activity"],
                      "resource": work["resource"], "arrival": _stamp(work["arrival"]),
                      "start": _stamp(work["START"]), "departure": _stamp(work["STOP"]),
                      "outcome": work["outcome"]}),
        pd.DataFrame({"truck": rd["case_id"], "activity": rd["activity"], "resource": rd["resource"],
                      "arrival": _stamp(rd["START"]), "departure": _stamp(rd["STOP"]),
                      "outcome": rd["outcome"].fillna(""), "error": rd["error"].fillna("")}),
    ]  # fmt: skip
    out = pd.concat(frames, ignore_index=True).reindex(columns=list(SITE_COLUMNS))
    out = out.astype(object).where(out.notna(), "")
    return out.sort_values(["arrival", "truck"], kind="stable").reset_index(drop=True)
