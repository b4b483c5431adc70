"""Reading a risk file (风险估值表, targeted controls, selection policy) at the edge.

The core validates the content (:func:`core.risk.setup_from_mapping`); this adapter only
reads YAML within :mod:`ftz_spec.bounded_yaml`'s limits and prefixes every problem with the file name.
"""

from __future__ import annotations

from pathlib import Path

from core.risk import RiskError, RiskSetup, RiskTable, setup_from_mapping
from ftz_spec.bounded_yaml import YamlLimitError, load_yaml_file, show_text
from ftz_spec.errors import ScenarioError

__all__ = [
    "DEFAULT_RISK_FILE",
    "RiskFileError",
    "load_risk_data",
    "load_risk_file",
    "load_risk_table",
]

DEFAULT_RISK_FILE = Path(__file__).resolve().parents[1] / "scenarios/risk/default_risk_table.yaml"


class RiskFileError(ScenarioError):
    """A risk file that cannot be read or does not validate."""


def load_risk_data(path: str | Path = DEFAULT_RISK_FILE) -> dict[str, object]:
    """Read the risk file at ``path`` as plain data (not yet validated).

    Raises:
        RiskFileError: The file is missing, unreadable, not YAML or not a mapping.
    """
    path = Path(path)
    try:
        data = load_yaml_file(path)
    except FileNotFoundError:
        raise RiskFileError(str(path), ["file not found"]) from None
    except YamlLimitError as exc:
        raise RiskFileError(str(path), [f"cannot read: {exc.problem}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RiskFileError(str(path), [f"cannot read: {show_text(str(exc))}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RiskFileError(
            str(path), [f"(top level): expected a mapping, got {type(data).__name__}"]
        )
    return data


def load_risk_file(path: str | Path = DEFAULT_RISK_FILE) -> RiskSetup:
    """Read and validate the risk file at ``path``.

    Raises:
        RiskFileError: The file is missing, is not YAML, or its content is invalid; the
            message names the file, the entry and the bad value.
    """
    data = load_risk_data(path)
    try:
        return setup_from_mapping(data)
    except RiskError as exc:
        raise RiskFileError(str(path), [str(exc)]) from None


def load_risk_table(path: str | Path = DEFAULT_RISK_FILE) -> RiskTable:
    """Read the risk file at ``path`` and return only its valuation table.

    Raises:
        RiskFileError: As :func:`load_risk_file`.
    """
    return load_risk_file(path).table
