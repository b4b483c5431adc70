"""Scenario text in and out for the pages: parse edited YAML, dump, digest, save.

The pages import only the app kit (an import-linter contract); this module is their one
door to the specification layer, so a page never parses YAML or validates by itself.
"""

from __future__ import annotations

from typing import Any

import yaml

from ftz_spec import Scenario, canonical_yaml, digest, parse_scenario
from ftz_spec.errors import ScenarioError

__all__ = [
    "ScenarioError",
    "canonical_yaml",
    "digest",
    "dump_draft",
    "parse_scenario",
    "parse_yaml_text",
]


def dump_draft(draft: dict[str, Any]) -> str:
    """The YAML text of a draft scenario (a plain mapping), keys in their given order."""
    return yaml.safe_dump(draft, sort_keys=False, allow_unicode=True)


def parse_yaml_text(text: str, source: str = "edited YAML") -> Scenario:
    """Validate a whole scenario typed as YAML; ``extends:`` is not followed from the app.

    Raises:
        ScenarioError: The text is not YAML, not a mapping, or not a valid scenario; each
            problem names the field path and the bad value.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [f"malformed YAML: {problem}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(source, ["(top level): expected a mapping"])
    data.pop("extends", None)
    return parse_scenario(data, source)
