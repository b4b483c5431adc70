"""The live service's trace: the twin's event-log columns, appended and flushed per record.

A gate service runs for months and is restarted: its trace must survive both. Each
record is written and flushed to the operating system as it happens (a crash loses at
most the record being written), a restart appends to the same file (the header is
written once, when the file is new), and every row carries the wall-clock time in UTC
(``wall_time``, ISO 8601) beside ``time_s``, the service clock, which restarts at 0.
Readers of the twin's event log ignore the extra column.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from core.trace import TraceRecord
from ftz_spec.errors import UserError
from ftz_stores.eventlog import COLUMNS

__all__ = ["LIVE_COLUMNS", "LiveTrace", "TraceFileError", "utc_now"]

LIVE_COLUMNS = (*COLUMNS, "wall_time")


class TraceFileError(UserError):
    """A trace file that cannot be opened, or that holds something else."""


def utc_now() -> str:
    """The wall-clock time as ISO 8601 in UTC with microseconds (``…T12:00:00.123456Z``)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class LiveTrace:
    """Appends trace records to a CSV file, one flushed row each; usable as a recorder sink."""

    def __init__(self, path: str | Path) -> None:
        """Open ``path`` for appending (creating it and its folder if needed).

        Raises:
            TraceFileError: The file cannot be opened, or its header is not a trace's.
        """
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            if not fresh:
                with self.path.open(encoding="utf-8", newline="") as fh:
                    header = tuple(next(csv.reader(fh), ()))
                if header != LIVE_COLUMNS:
                    raise TraceFileError(
                        f"{self.path}: not a live trace (header {list(header)}, "
                        f"expected {list(LIVE_COLUMNS)}); move it away or name another trace:"
                    )
            self._fh: IO[str] = self.path.open("a", encoding="utf-8", newline="")
        except OSError as exc:
            raise TraceFileError(f"{self.path}: cannot open the trace: {exc}") from None
        self._writer = csv.writer(self._fh, lineterminator="\n")
        if fresh:
            self._writer.writerow(LIVE_COLUMNS)
            self._fh.flush()
        self.count = 0

    def __call__(self, rec: TraceRecord) -> None:
        """Write one record and flush it."""
        attrs = json.dumps(dict(rec.attrs), sort_keys=True, ensure_ascii=False) if rec.attrs else ""
        row = (rec.case_id, rec.activity, rec.lifecycle.value, rec.resource, repr(rec.time_s))
        self._writer.writerow((*row, attrs, utc_now()))
        self._fh.flush()
        self.count += 1

    def close(self) -> None:
        """Close the file."""
        self._fh.close()
