"""Argument types shared by every ``ftztwin`` command: numbers checked at the edge.

argparse turns an ``ArgumentTypeError`` into a usage message and exit code 2, which is
what a user mistake on the command line should get.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from ftz_spec import Scenario, parse_scenario
from ftz_spec.errors import UserError

__all__ = [
    "CliError",
    "check_kpis",
    "fraction",
    "hours",
    "non_negative",
    "positive",
    "progress",
    "run_options",
    "with_overrides",
]


def non_negative(text: str) -> int:
    """A whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def positive(text: str) -> int:
    """A whole number >= 1."""
    value = non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be >= 1, got 0")
    return value


def hours(text: str) -> float:
    """A duration in hours, >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected hours, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def fraction(text: str) -> float:
    """A relative precision in (0, 1), e.g. 0.05."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.05, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def run_options(cmd: argparse.ArgumentParser) -> None:
    """The run-setting overrides ``run`` and ``warmup`` share."""
    cmd.add_argument("--seed", type=non_negative, help="override run.seed")
    cmd.add_argument("--replications", type=positive, help="override run.replications")
    cmd.add_argument("--horizon-h", type=hours, help="override run.horizon_h (hours)")
    cmd.add_argument("--warmup-h", type=hours, help="override run.warmup_h (hours)")
    cmd.add_argument("--workers", type=positive, help="local processes (default: one per core)")


def with_overrides(scenario: Scenario, args: Any, source: str) -> Scenario:
    """The scenario with the command line's run settings, validated again."""
    data = scenario.model_dump(mode="json")
    for arg, key in (("seed", "seed"), ("replications", "replications"),
                     ("horizon_h", "horizon_h"), ("warmup_h", "warmup_h")):  # fmt: skip
        value = getattr(args, arg, None)
        if value is not None:
            data["run"][key] = value
    return parse_scenario(data, f"{source} (with command-line run settings)")


def check_kpis(kpis: list[str], what: str) -> None:
    """Refuse a KPI id the catalogue does not know, with a suggestion."""
    from twin.catalogue import CATALOGUE, HEADLINE, is_known

    bad = [k for k in kpis if not is_known(k)]
    if bad:
        names = sorted({*CATALOGUE, *HEADLINE})
        problems = []
        for k in bad:
            near = difflib.get_close_matches(k, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append(f"{what}: unknown KPI (got {k!r}){hint}")
        raise CliError(problems)


class CliError(UserError):
    """A command-line argument that cannot be used; one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def progress(total_s: float, label: str):  # type: ignore[no-untyped-def]
    """A progress bar on stderr over ``total_s`` simulated seconds, and its tick function."""
    from tqdm import tqdm

    bar = tqdm(
        total=total_s / 3600.0,
        desc=label,
        delay=1.0,  # only runs longer than about a second show a bar
        file=sys.stderr,
        leave=False,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
    )
    return bar, (lambda dt: bar.update(dt / 3600.0))
