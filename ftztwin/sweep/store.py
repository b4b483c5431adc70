"""The resume log: one JSON line per finished point, appended as each point completes.

A line holds the point's key, its factor values and the KPIs of each replication. It is
written and flushed to disk in one piece the moment the point's last replication
returns, so an interrupted sweep loses at most the points still running; a line cut
short by the interruption is ignored on restart. Lines are never rewritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from twin.experiment import ReplicationResult

__all__ = ["PointRecord", "ResumeLog", "results_of"]

PointRecord = dict[str, Any]


class ResumeLog:
    """Append-only JSON lines of finished points, keyed by point key."""

    def __init__(self, path: Path) -> None:
        """Open (or start) the log at ``path``."""
        self.path = path

    def load(self) -> dict[str, PointRecord]:
        """Return the finished points by key (the last complete line wins)."""
        done: dict[str, PointRecord] = {}
        if not self.path.exists():
            return done
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by an interruption: that point reruns
                if isinstance(rec, dict) and "key" in rec and "replications" in rec:
                    done[rec["key"]] = rec
        return done

    def append(self, key: str, values: dict[str, Any], results: list[ReplicationResult]) -> None:
        """Write one finished point and flush it to disk."""
        rec = {
            "key": key,
            "values": values,
            "replications": [
                {"replication": r.replication, "kpis": r.kpis}
                for r in sorted(results, key=lambda r: r.replication)
            ],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            if fh.tell() > 0 and not self._ends_with_newline():
                fh.write("\n")  # never glue a new line onto a cut-short one
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"


def results_of(record: PointRecord) -> list[ReplicationResult]:
    """The replications of a logged point."""
    return [ReplicationResult(r["replication"], r["kpis"]) for r in record["replications"]]
