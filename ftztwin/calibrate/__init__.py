"""Calibration of a scenario to what a site observed (``ftztwin calibrate``).

From an event log — the twin's own, or a site's gate and inspection transactions
(docs/site-log-format.md) — it fits arrival rates and profiles, durations (candidate
families by maximum likelihood, chosen by AIC, with goodness of fit) and device
latencies and error rates; from aggregate KPIs it searches bounded unknowns under common
random numbers. It writes an overlay that ``extends:`` the input with ``calibrated``
sources, a report with fit plots, and a validation against held-out trucks.
"""

from ftztwin.calibrate.errors import CalibrationError, InputFileError, KpiFileError, LogError
from ftztwin.calibrate.fit import Estimate, LogFit, fit_log
from ftztwin.calibrate.kpifit import KpiFit, calibrate_kpis, read_kpi_file
from ftztwin.calibrate.logs import ObservedLog, read_log
from ftztwin.calibrate.observe import observe
from ftztwin.calibrate.run import CalibrationResult, calibrate
from ftztwin.calibrate.validation import KpiCheck, held_out

__all__ = [
    "CalibrationError",
    "CalibrationResult",
    "Estimate",
    "InputFileError",
    "KpiCheck",
    "KpiFileError",
    "KpiFit",
    "LogError",
    "LogFit",
    "ObservedLog",
    "calibrate",
    "calibrate_kpis",
    "fit_log",
    "held_out",
    "observe",
    "read_kpi_file",
    "read_log",
]
