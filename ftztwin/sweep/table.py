"""The sweep's result table: one row per point and KPI, with a 95% confidence interval.

Rows are sorted by point key, then KPI, and floats are written with a fixed rounding, so
the same sweep file and seed give a byte-identical CSV whatever the backend, the number
of workers or how often the sweep was interrupted and resumed.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ftztwin.sweep.design import Factor
from ftztwin.sweep.spec import ResolvedPoint
from ftztwin.sweep.store import PointRecord, results_of
from twin.experiment import summarise

__all__ = ["STAT_COLUMNS", "build_rows", "write_csv", "write_parquet"]

STAT_COLUMNS = ("kpi", "mean", "ci95_low", "ci95_high", "half_width", "replications")


def build_rows(
    points: Sequence[ResolvedPoint],
    records: dict[str, PointRecord],
    factors: Sequence[Factor],
    outputs: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """One row per (point, KPI) for every point in ``records`` (all KPIs if no ``outputs``)."""
    rows: list[dict[str, Any]] = []
    for point in sorted(points, key=lambda p: p.key):
        rec = records.get(point.key)
        if rec is None:
            continue
        summary = summarise(results_of(rec))
        names = list(outputs) if outputs else sorted(summary)
        for kpi in names:
            iv = summary.get(kpi)
            mean, low, high, n = (iv.mean, iv.low, iv.high, iv.n) if iv else (math.nan,) * 3 + (0,)
            row: dict[str, Any] = {"point_key": point.key, "point": point.index}
            row.update({f.path: point.values[f.path] for f in factors})
            row.update(
                kpi=kpi, mean=mean, ci95_low=low, ci95_high=high, half_width=(high - low) / 2
            )
            row["replications"] = n
            rows.append(row)
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(round(value, 9))
    return str(value)


def _replace_atomically(path: Path, write: Any) -> None:
    tmp = path.with_name(path.name + ".partial")
    write(tmp)
    os.replace(tmp, path)


def write_csv(path: Path, rows: list[dict[str, Any]], factors: Sequence[Factor]) -> None:
    """Write the table as CSV (Unix line ends, reproducible float formatting)."""
    header = ["point_key", "point", *(f.path for f in factors), *STAT_COLUMNS]

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for row in rows:
                w.writerow([_cell(row[c]) for c in header])

    _replace_atomically(path, write)


def _column_type(values: list[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int64"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "float64"
    return "str"


def write_parquet(path: Path, rows: list[dict[str, Any]], factors: Sequence[Factor]) -> None:
    """Write the table as Parquet (typed columns; factor columns of mixed types as text)."""
    import pandas as pd

    header = ["point_key", "point", *(f.path for f in factors), *STAT_COLUMNS]
    frame = pd.DataFrame(rows, columns=header)
    for f in factors:
        kind = _column_type([r[f.path] for r in rows])
        frame[f.path] = frame[f.path].astype(str) if kind == "str" else frame[f.path].astype(kind)
    frame["point"] = frame["point"].astype("int64")
    frame["replications"] = frame["replications"].astype("int64")
    _replace_atomically(path, lambda tmp: frame.to_parquet(tmp, index=False, engine="pyarrow"))
