"""A site's gate and inspection transactions as CSV (docs/site-log-format.md).

One row per activity of one truck: when it reached the resource (``arrival``), when the
resource began serving it (``start``, empty: no queue), when the outcome was known
(``decision``) and when the resource was free again (``departure``). The rows become the
same trace records the twin writes, on the same resources, so the fits and the held-out
KPIs treat a site and the twin alike.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from core.gate.readings import ACTUATOR_KINDS, DeviceKind
from ftz_spec import Scenario
from ftztwin.calibrate.errors import LogError
from ftztwin.calibrate.logs import _frame, show
from twin.model import resource_capacity_s

__all__ = ["ACTIVITIES", "OUTCOMES", "SITE_COLUMNS", "SITE_REQUIRED", "read_site_log"]

SITE_REQUIRED = ("truck", "activity", "resource", "arrival", "departure")
SITE_COLUMNS = (*SITE_REQUIRED, "flow", "lane", "start", "decision", "outcome", "error")
# The activities calibration reads (others are accepted, and used for held-out waits).
ACTIVITIES = (
    "clearance", "gate_check", "manual_check", "manual_post", "doc_review", "dual_review",
    "approval_level1", "approval_level2", "approval_level3", "h986_scan", "image_analysis",
    "physical_inspection", "transfer_escort", "risk_feedback", "post_audit",
)  # fmt: skip
READS = tuple(f"read:{k.value}" for k in DeviceKind if k not in ACTUATOR_KINDS)
OUTCOMES = {
    "read": ("ok", "misread", "no_read", "down", "blank"),
    "gate_check": ("pass", "manual_post", "inspection", "reject"),
}
_TIMES = ("arrival", "start", "decision", "departure")


def _problems(mask: np.ndarray, frame: pd.DataFrame, field: str, why: str) -> list[str]:
    rows = np.flatnonzero(mask)
    return [
        f"row {i + 2}, field {field}: {why} (got {show(frame[field].iat[i])})" for i in rows[:20]
    ]


_OFFSET = r"(Z|[+-]\d\d:?\d\d)$"
_HAS_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"


def _offset(text: str) -> pd.Timedelta:
    if text == "Z":
        return pd.Timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * pd.Timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def _times(frame: pd.DataFrame) -> tuple[dict[str, pd.Series], list[str]]:
    """Parse the time columns to the site's wall-clock time (the first offset given).

    Times carry an offset (``+08:00``) or none; a log may not mix the two.
    """
    problems: list[str] = []
    texts = {c: frame[c] if c in frame else pd.Series([""] * len(frame)) for c in _TIMES}
    given_all = pd.concat([t[t != ""] for t in texts.values()])
    zoned = given_all.str.contains(_HAS_OFFSET)
    first = str(frame["arrival"].iat[0])
    shift = pd.Timedelta(0)
    m = pd.Series([first]).str.extract(_OFFSET)[0].iat[0]
    if isinstance(m, str):
        shift = _offset(m)
    out: dict[str, pd.Series] = {}
    for col, text in texts.items():
        given = (text != "").to_numpy()
        parsed = pd.to_datetime(text.where(text != ""), format="ISO8601", errors="coerce", utc=True)
        if col == "arrival":
            problems += _problems(~given, frame.assign(**{col: text}), col, "required")
        elif col == "departure":
            # A truck still in clearance when the log was exported has no departure yet.
            open_ok = (frame["activity"] == "clearance").to_numpy()
            problems += _problems(~given & ~open_ok, frame.assign(**{col: text}), col, "required")
        problems += _problems(given & parsed.isna().to_numpy(), frame.assign(**{col: text}), col,
                              "not an ISO 8601 time such as 2013-03-04T08:15:02+08:00")  # fmt: skip
        if zoned.any() and not zoned.all():
            has = text.str.contains(_HAS_OFFSET).to_numpy()
            mixed = given & (~has if isinstance(m, str) else has)
            problems += _problems(mixed, frame.assign(**{col: text}), col,
                                  "times with and without a UTC offset are mixed")  # fmt: skip
        out[col] = parsed.dt.tz_localize(None) + shift
    return out, problems


def _order(frame: pd.DataFrame, t: dict[str, pd.Series]) -> list[str]:
    problems: list[str] = []
    start = t["start"].fillna(t["arrival"])
    decision = t["decision"].fillna(t["departure"])
    for later, earlier, col in (
        (start, t["arrival"], "start"),
        (decision, start, "decision"),
        (t["departure"], decision, "departure"),
    ):
        bad = (later < earlier).fillna(False).to_numpy()
        problems += _problems(bad, frame, col if col in frame else "departure",
                              f"earlier than the {'arrival' if col == 'start' else 'start'}")  # fmt: skip
    return problems


def _check(path: Path, frame: pd.DataFrame, scenario: Scenario) -> list[str]:
    problems = _problems((frame["truck"] == "").to_numpy(), frame, "truck", "empty")
    act = frame["activity"]
    known = act.str.fullmatch(r"[a-z][a-z0-9_]*") | act.isin(READS)
    problems += _problems(~known.to_numpy(), frame, "activity",
                          "expected an activity name (lower case, digits, _) or read:<device "
                          "kind>; see docs/site-log-format.md")  # fmt: skip
    flows = {f.id for f in scenario.uncertainties.flows}
    flow = frame["flow"] if "flow" in frame else pd.Series([""] * len(frame))
    is_clear = (act == "clearance").to_numpy()
    problems += _problems(is_clear & ~flow.isin(flows).to_numpy(), frame.assign(flow=flow), "flow",
                          f"not a flow of scenario {scenario.name}")  # fmt: skip
    resources = set(resource_capacity_s(scenario)) | {f.zone for f in scenario.uncertainties.flows}
    checked = known.to_numpy() & ~act.isin(READS).to_numpy()
    problems += _problems(checked & ~frame["resource"].isin(resources).to_numpy(), frame, "resource",
                          f"not a resource of scenario {scenario.name}, e.g. "
                          f"{sorted(resources)[0]}")  # fmt: skip
    outcome = frame["outcome"] if "outcome" in frame else pd.Series([""] * len(frame))
    reads = act.isin(READS).to_numpy()
    problems += _problems(reads & ~outcome.isin(OUTCOMES["read"]).to_numpy(),
                          frame.assign(outcome=outcome), "outcome",
                          "a reading's outcome is one of " + ", ".join(OUTCOMES["read"]))  # fmt: skip
    gates = (act == "gate_check").to_numpy()
    problems += _problems(gates & ~outcome.isin(("", *OUTCOMES["gate_check"])).to_numpy(),
                          frame.assign(outcome=outcome), "outcome",
                          "a gate's outcome is one of " + ", ".join(OUTCOMES["gate_check"]))  # fmt: skip
    if "error" in frame:
        err = pd.to_numeric(frame["error"].where(frame["error"] != ""), errors="coerce")
        problems += _problems(((frame["error"] != "") & err.isna()).to_numpy(), frame, "error",
                              "not a number")  # fmt: skip
    return problems


def _records(frame: pd.DataFrame, secs: dict[str, np.ndarray], scenario: Scenario) -> pd.DataFrame:
    kind_of = {f.id: f.kind for f in scenario.uncertainties.flows}
    act = frame["activity"].to_numpy()
    case, res = frame["truck"].to_numpy(), frame["resource"].to_numpy()
    col = {
        c: (frame[c].to_numpy() if c in frame else np.full(len(frame), "")) for c in SITE_COLUMNS
    }
    parts = []

    def part(mask: np.ndarray, activity: object, lifecycle: str, resource: object,
             time: np.ndarray, attrs: object) -> None:  # fmt: skip
        parts.append(pd.DataFrame({
            "case_id": case[mask], "activity": activity if np.isscalar(activity) else activity[mask],
            "lifecycle": lifecycle, "resource": resource[mask] if not np.isscalar(resource) else resource,
            "time_s": time[mask], "attrs": attrs[mask] if not np.isscalar(attrs) else attrs,
        }))  # fmt: skip

    clear = act == "clearance"
    flow_attr = np.array([json.dumps({"flow": kind_of.get(f, "")}) for f in col["flow"]])
    stop_attr = np.array(
        [
            json.dumps({"flow": kind_of.get(f, ""), "zone": r})
            for f, r in zip(col["flow"], res, strict=True)
        ]
    )
    part(clear, "clearance", "START", res, secs["arrival"], flow_attr)
    part(
        clear & np.isfinite(secs["departure"]),
        "clearance",
        "STOP",
        res,
        secs["departure"],
        stop_attr,
    )
    read = np.char.startswith(act.astype(str), "read:")
    read_attr = np.array([
        json.dumps({"kind": a[5:], "outcome": o, **({"error": float(e)} if e else {})})
        for a, o, e in zip(act, col["outcome"], col["error"], strict=True)
    ])  # fmt: skip
    part(read, act, "START", res, secs["arrival"], "")
    part(read, act, "STOP", res, secs["departure"], read_attr)
    work = ~clear & ~read
    gate = act == "gate_check"
    wait_act = np.where(gate, "gate_queue", act)
    lane_attr = np.array([json.dumps({"lane": ln}) if ln else "" for ln in col["lane"]])
    out_attr = np.array([json.dumps({"outcome": o}) if o else "" for o in col["outcome"]])
    part(work, wait_act, "WAIT_START", res, secs["arrival"], "")
    part(work, wait_act, "WAIT_STOP", res, secs["start"], "")
    part(work, act, "START", res, secs["start"], np.where(gate, lane_attr, ""))
    part(work, act, "STOP", res, secs["departure"], np.where(gate, out_attr, ""))
    return pd.concat(parts, ignore_index=True)


def read_site_log(
    path: Path, scenario: Scenario
) -> tuple[pd.DataFrame, dict[str, str], float, float]:
    """Read a site log; return its trace records, each truck's flow and the window.

    Raises:
        LogError: A row is malformed (the message names row, field and value), or no row
            is usable.
    """
    frame = _frame(path)
    unknown = [c for c in frame.columns if c not in SITE_COLUMNS]
    if unknown:
        raise LogError(str(path), [f"header: unknown column (got {show(c)}); known: "
                                   f"{', '.join(SITE_COLUMNS)}" for c in unknown])  # fmt: skip
    if frame.empty:
        raise LogError(str(path), ["no usable rows: a header and nothing else"])
    t, problems = _times(frame)
    problems = _check(path, frame, scenario) + problems
    if not problems:
        problems = _order(frame, t)
    if problems:
        raise LogError(str(path), problems)
    first = t["arrival"].min()
    origin = (first - pd.Timedelta(days=first.day_of_week)).normalize()  # Monday 00:00
    start = t["start"].fillna(t["arrival"])
    secs = {
        "arrival": (t["arrival"] - origin).dt.total_seconds().to_numpy(),
        "start": (start - origin).dt.total_seconds().to_numpy(),
        "departure": (t["departure"] - origin).dt.total_seconds().to_numpy(),
    }
    records = _records(frame, secs, scenario)
    clear = frame["activity"] == "clearance"
    if not clear.any():
        raise LogError(str(path), ["no usable rows: no clearance row gives a truck's arrival"])
    flow_of = dict(zip(frame.loc[clear, "truck"], frame.loc[clear, "flow"], strict=True))
    arrivals = secs["arrival"][clear.to_numpy()]
    lo = float(np.floor(arrivals.min() / 3600.0) * 3600.0)
    hi = float(np.ceil(arrivals.max() / 3600.0) * 3600.0)
    return records, flow_of, lo, max(hi, lo + 3600.0)
