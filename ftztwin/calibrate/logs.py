"""Reading an observed event log: the twin's own CSV, or a site's transaction CSV.

Both become one frame of trace records (case, activity, lifecycle, resource, time in
seconds since the Monday 00:00 that starts the log's first week, attributes as JSON
text), the flow of each truck, and the observation window, so everything downstream —
the fits and the held-out KPIs — reads one shape. Every problem names the file, the row
(its line in the file), the field and the bad value.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.trace import Lifecycle
from ftz_spec import Scenario
from ftz_stores.eventlog import COLUMNS
from ftztwin.calibrate.errors import LogError

__all__ = ["ObservedLog", "file_sha256", "read_log", "show"]

_LIFECYCLES = frozenset(lc.value for lc in Lifecycle)


@dataclass(frozen=True)
class ObservedLog:
    """An event log, read and checked.

    Attributes:
        path: The file.
        sha256: Its digest (the calibrated sources name it).
        format: ``trace`` (the twin's event log) or ``site`` (docs/site-log-format.md).
        records: Trace records: ``case_id, activity, lifecycle, resource, time_s, attrs``.
        flow_of: Each truck's flow id (trucks whose arrival is in the log).
        start_s: Start of the observation window (s since the first week's Monday 00:00).
        end_s: End of the observation window.
    """

    path: Path
    sha256: str
    format: str
    records: pd.DataFrame
    flow_of: dict[str, str]
    start_s: float
    end_s: float

    @property
    def hours(self) -> float:
        """Length of the observation window in hours."""
        return (self.end_s - self.start_s) / 3600.0


def show(value: Any) -> str:
    """A value as a message shows it (repr, at most 60 characters)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh), [])
    except FileNotFoundError:
        raise LogError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(str(path), [f"cannot read file: {exc}"]) from None


def _frame(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise LogError(str(path), [f"malformed CSV: {str(exc).strip()}"]) from None


def _bad_rows(mask: np.ndarray, frame: pd.DataFrame, field: str, why: str) -> list[str]:
    rows = np.flatnonzero(mask)
    return [
        f"row {i + 2}, field {field}: {why} (got {show(frame[field].iat[i])})" for i in rows[:20]
    ]


def _check_trace(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    problems: list[str] = []
    problems += _bad_rows((frame["case_id"] == "").to_numpy(), frame, "case_id", "empty")
    problems += _bad_rows(
        ~frame["lifecycle"].isin(_LIFECYCLES).to_numpy(),
        frame,
        "lifecycle",
        f"expected one of {', '.join(sorted(_LIFECYCLES))}",
    )
    times = pd.to_numeric(frame["time_s"], errors="coerce").to_numpy(dtype=float)
    bad_time = ~np.isfinite(times) | (times < 0)
    problems += _bad_rows(bad_time, frame, "time_s", "expected seconds >= 0")
    attrs = frame["attrs"]
    bad_attrs = ((attrs != "") & ~(attrs.str.startswith("{") & attrs.str.endswith("}"))).to_numpy()
    problems += _bad_rows(bad_attrs, frame, "attrs", "expected a JSON object or nothing")
    if problems:
        raise LogError(str(path), problems)
    return frame.assign(time_s=times)


def _trace_flows(path: Path, frame: pd.DataFrame, scenario: Scenario) -> dict[str, str]:
    flows = {f.id for f in scenario.uncertainties.flows}
    starts = frame[(frame["activity"] == "clearance") & (frame["lifecycle"] == "START")]
    flow_ids = starts["case_id"].str.split("#", n=1).str[0]
    unknown = ~flow_ids.isin(flows)
    if unknown.any():
        problems = [
            f"row {i + 2}, field case_id: the flow {fid!r} is not a flow of scenario "
            f"{scenario.name} (got {show(cid)})"
            for i, fid, cid in zip(
                starts.index[unknown][:20], flow_ids[unknown][:20], starts["case_id"][unknown][:20],
                strict=True,
            )
        ]  # fmt: skip
        raise LogError(str(path), problems)
    return dict(zip(starts["case_id"], flow_ids, strict=True))


def _read_trace(
    path: Path, scenario: Scenario
) -> tuple[pd.DataFrame, dict[str, str], float, float]:
    frame = _check_trace(path, _frame(path))
    flow_of = _trace_flows(path, frame, scenario)
    if not flow_of:
        raise LogError(str(path), ["no usable rows: no truck arrives (no clearance START record)"])
    arrivals = frame.loc[
        (frame["activity"] == "clearance") & (frame["lifecycle"] == "START"), "time_s"
    ]
    end = math.ceil(float(arrivals.max()) / 3600.0) * 3600.0
    return frame, flow_of, 0.0, end


def parse_attrs(text: str) -> dict[str, Any]:
    """The attributes of one record (a JSON object or nothing)."""
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def read_log(path: Path, scenario: Scenario) -> ObservedLog:
    """Read and check the event log at ``path`` against ``scenario``'s flows.

    Raises:
        LogError: The file is missing, malformed or has no usable rows; the message names
            the row, the field and the bad value.
    """
    from ftztwin.calibrate.sitelog import SITE_REQUIRED, read_site_log

    header = _header(path)
    if not header:
        raise LogError(str(path), ["no usable rows: the file is empty"])
    if tuple(header) == COLUMNS:
        records, flow_of, start, end = _read_trace(path, scenario)
        fmt = "trace"
    elif set(SITE_REQUIRED) <= set(header):
        records, flow_of, start, end = read_site_log(path, scenario)
        fmt = "site"
    else:
        raise LogError(
            str(path),
            [
                "header: neither the twin's event log ("
                + ",".join(COLUMNS)
                + ") nor a site log (needs "
                + ",".join(SITE_REQUIRED)
                + f"; see docs/site-log-format.md) (got {show(','.join(header))})"
            ],
        )
    if end <= start:
        raise LogError(str(path), ["no usable rows: the arrivals span no time"])
    return ObservedLog(path, file_sha256(path), fmt, records, flow_of, start, end)
