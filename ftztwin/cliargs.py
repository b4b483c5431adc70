"""Argument types shared by every ``ftztwin`` command: numbers checked at the edge.

argparse turns an ``ArgumentTypeError`` into a usage message and exit code 2, which is
what a user mistake on the command line should get.
"""

from __future__ import annotations

import argparse

__all__ = ["hours", "non_negative", "positive"]


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
