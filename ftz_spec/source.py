"""Where a number comes from: the source of a scenario value (出处).

A source has a kind — ``plan`` (the reform plan 署加函〔2014〕44号, with its section),
``published`` (a publication with its URL), ``assumption`` (what we suppose, with a note
saying what) or ``calibrated`` (fitted to a data file, named with its sha256, with the
interval the fit gives) — and a note. Each kind must carry its reference, so a source
can always be followed back.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from ftz_spec.base import FieldPathError, Model

__all__ = ["SOURCE_KINDS", "Source", "SourceKind"]

SourceKind = Literal["plan", "published", "assumption", "calibrated"]
SOURCE_KINDS: tuple[str, ...] = ("plan", "published", "assumption", "calibrated")

# What each kind must name so the number can be traced.
_REQUIRED = {
    "plan": ("section",),
    "published": ("publication", "url"),
    "assumption": ("note",),
    "calibrated": ("file", "sha256"),
}


class Source(Model):
    """The source of one value or of every value under a path."""

    kind: SourceKind
    section: str | None = Field(default=None, description="Plan section, e.g. 三(一)3")
    publication: str | None = Field(default=None, description="Title of the publication")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    file: str | None = Field(
        default=None, description="The event log or KPI file a calibrated value was fitted to"
    )
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    interval: tuple[float, float] | None = Field(
        default=None,
        description="Calibrated: the interval of the estimate (the note says of which kind)",
    )
    note: str = Field(default="", description="What is assumed, how it was measured or fitted")

    @model_validator(mode="after")
    def _reference_of_its_kind(self) -> Source:
        for name in _REQUIRED[self.kind]:
            if not getattr(self, name):
                article = "an" if self.kind[0] in "aeiou" else "a"
                raise FieldPathError(
                    (name,), getattr(self, name), f"{article} {self.kind} source needs a {name}"
                )
        if self.interval is not None and self.interval[0] > self.interval[1]:
            raise FieldPathError(("interval",), list(self.interval), "low above high")
        return self

    @model_serializer(mode="wrap")
    def _without_empty_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Canonical YAML carries only what a source says, not a row of nulls.
        return {k: v for k, v in handler(self).items() if v not in (None, "")}

    @property
    def reference(self) -> str:
        """One line naming what the value can be traced to."""
        if self.kind == "plan":
            return str(self.section)
        if self.kind == "published":
            return f"{self.publication} <{self.url}>"
        if self.kind == "calibrated":
            return f"{self.file} (sha256 {str(self.sha256)[:12]}…)"
        return "assumption"
