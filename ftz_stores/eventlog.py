"""The event log: trace records streamed to CSV (never held in memory), read back as a frame."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from core.trace import TraceRecord

__all__ = ["COLUMNS", "EventLogWriter", "read_event_log", "records_to_frame"]

COLUMNS = ("case_id", "activity", "lifecycle", "resource", "time_s", "attrs")


def _row(rec: TraceRecord) -> tuple[str, str, str, str, str, str]:
    attrs = json.dumps(dict(rec.attrs), sort_keys=True, ensure_ascii=False) if rec.attrs else ""
    return (rec.case_id, rec.activity, rec.lifecycle.value, rec.resource, repr(rec.time_s), attrs)


class EventLogWriter:
    """Streams records to a CSV file as they happen; usable as a recorder sink."""

    def __init__(self, path: str | Path) -> None:
        """Open ``path`` for writing (truncating it) and write the header."""
        self.path = Path(path)
        self._fh: IO[str] = self.path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._fh, lineterminator="\n")
        self._writer.writerow(COLUMNS)
        self.count = 0

    def __call__(self, rec: TraceRecord) -> None:
        """Write one record."""
        self._writer.writerow(_row(rec))
        self.count += 1

    def close(self) -> None:
        """Flush and close the file."""
        self._fh.close()

    def __enter__(self) -> EventLogWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_event_log(path: str | Path) -> Any:
    """Load an event log CSV into a pandas DataFrame (``attrs`` parsed to dicts)."""
    import pandas as pd

    frame = pd.read_csv(
        path, dtype={"case_id": str, "resource": str, "attrs": str}, keep_default_na=False
    )
    frame["attrs"] = [json.loads(a) if a else {} for a in frame["attrs"]]
    return frame


def records_to_frame(records: Iterable[TraceRecord]) -> Any:
    """Turn records into a pandas DataFrame with the event-log columns."""
    import pandas as pd

    rows = [
        (r.case_id, r.activity, r.lifecycle.value, r.resource, r.time_s, dict(r.attrs))
        for r in records
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
