"""Errors a user can fix: bad files, bad arguments. The CLI prints them without traceback."""

from __future__ import annotations


class UserError(Exception):
    """Root of the errors caused by user input; the CLI exits with code 2 on these."""


class ScenarioError(UserError):
    """A scenario file that cannot be read, merged or validated.

    Attributes:
        file: The file the problem is in.
        problems: One line per problem, each naming the field path and the bad value.
    """

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(f"{file}: {p}" for p in problems))
