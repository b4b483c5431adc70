"""The JSON schema of scenario files, for editors and for checking it is up to date."""

from __future__ import annotations

import json
from pathlib import Path

from ftz_spec.models import Scenario

__all__ = ["SCHEMA_PATH", "schema_json"]

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "scenarios" / "scenario.schema.json"


def schema_json() -> str:
    """Return the scenario JSON schema as stable, pretty-printed text."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ftz-twin scenario"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
