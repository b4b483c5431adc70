"""The calibration's user errors: a bad log, a bad KPI file, nothing to fit.

Each names the file and, where there is one, the row, the field and the bad value; the
CLI prints them without a traceback and exits with code 2.
"""

from __future__ import annotations

from ftz_spec.errors import UserError

__all__ = ["CalibrationError", "InputFileError", "KpiFileError", "LogError"]

_SHOWN = 12  # problems listed before the rest are only counted (bounded output)


class CalibrationError(UserError):
    """Root of the calibration's errors."""


class InputFileError(CalibrationError):
    """A file that cannot be used, with one line per problem.

    Attributes:
        file: The file.
        problems: One line per problem (``row 12, field time_s: … (got 'x')``).
    """

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        shown = problems[:_SHOWN]
        more = len(problems) - len(shown)
        lines = [f"{file}: {p}" for p in shown]
        if more > 0:
            lines.append(f"{file}: … and {more} more problems")
        super().__init__("\n".join(lines))


class LogError(InputFileError):
    """An event log that is malformed or has no usable rows."""


class KpiFileError(InputFileError):
    """A file of observed KPIs (``--kpis``) that is malformed."""
