"""Shared pieces of the scenario models: the frozen base model and path-aware errors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FieldPathError", "Ident", "Model", "Probability", "unique"]

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Ident = Annotated[str, Field(pattern=r"^[a-z][A-Za-z0-9_]*$", max_length=64)]


class FieldPathError(ValueError):
    """A cross-reference error that knows the path of the offending field.

    Raised inside model validators so that the message names ``site.gates[2].zone`` rather
    than just ``site``.
    """

    def __init__(self, path: tuple[str | int, ...], value: Any, message: str) -> None:
        self.path = path
        self.value = value
        self.message = message
        super().__init__(message)


class Model(BaseModel):
    """Base of every scenario model: frozen, unknown keys refused, every number finite.

    ``.inf`` and ``.nan`` are refused everywhere: an infinite horizon or traffic scale
    validates as "positive" but the run then never finishes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def unique(items: tuple[Any, ...], key: str, where: str) -> None:
    """Raise :class:`FieldPathError` on the first item whose ``key`` repeats."""
    seen: set[Any] = set()
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            raise FieldPathError((where, i, key), value, f"duplicate {key}")
        seen.add(value)
