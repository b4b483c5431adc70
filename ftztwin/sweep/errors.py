"""The sweep package's one exception root."""

from __future__ import annotations

from ftz_spec.errors import UserError

__all__ = ["SweepError"]


class SweepError(UserError):
    """A sweep file (or sweep argument) that cannot be read, validated or applied.

    Attributes:
        source: The sweep file (or argument) the problem is in.
        problems: One line per problem, each naming the field path and the bad value.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))
