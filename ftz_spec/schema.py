"""The JSON schema of scenario files, for editors and for checking it is up to date.

The models describe validated scenarios; a file may also write a source beside a value,
which the loader lifts into ``sources`` before validation (:mod:`ftz_spec.provenance`).
The schema says so: every mapping may carry a ``source``, and every number, list or map
may be written as ``{value: …, source: …}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ftz_spec.models import Scenario

__all__ = ["SCHEMA_PATH", "schema_json"]

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "scenarios" / "scenario.schema.json"

_SOURCE = {"$ref": "#/$defs/Source"}
_INLINE = {"$ref": "#/$defs/InlineValue"}
_KEEP_OUTSIDE = ("title", "description", "default")
# Where inline sources make no sense: the run settings, the sources themselves, enums.
_PLAIN = {"Run", "Source", "InlineValue", "DeviceKind", "StaffRole"}


def _takes_value(prop: dict[str, Any]) -> bool:
    kinds = {prop.get("type")} | {a.get("type") for a in prop.get("anyOf", [])}
    return bool(kinds & {"number", "integer", "array", "object"})


def _inline(prop: dict[str, Any]) -> dict[str, Any]:
    """``prop``, or the same written as ``{value, source}``."""
    inner = {k: v for k, v in prop.items() if k not in _KEEP_OUTSIDE}
    outer = {k: prop[k] for k in _KEEP_OUTSIDE if k in prop}
    return {**outer, "anyOf": [inner, _INLINE]}


def _with_sources(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema["$defs"]
    defs["InlineValue"] = {
        "additionalProperties": False,
        "description": "A value written with its source; the loader keeps the value and "
        "moves the source into the scenario's sources map",
        "properties": {"value": {}, "source": _SOURCE},
        "required": ["value", "source"],
        "title": "InlineValue",
        "type": "object",
    }
    for name, model in defs.items():
        if name in _PLAIN or model.get("type") != "object":
            continue
        props = model["properties"]
        for key, prop in list(props.items()):
            if _takes_value(prop):
                props[key] = _inline(prop)
        props["source"] = {**_SOURCE, "description": "Source of every value in this mapping"}
    return schema


def schema_json() -> str:
    """Return the scenario JSON schema as stable, pretty-printed text."""
    schema = _with_sources(Scenario.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ftz-twin scenario"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
