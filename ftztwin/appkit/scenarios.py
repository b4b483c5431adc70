"""Scenario text in and out for the pages: parse edited YAML, dump, digest, save.

The pages import only the app kit (an import-linter contract); this module is their one
door to the specification layer, so a page never parses YAML or validates by itself.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ftz_spec import Scenario, canonical_yaml, digest, load_scenario, parse_scenario
from ftz_spec.bounded_yaml import MAX_FILE_BYTES, YamlLimitError, load_yaml_text, show
from ftz_spec.errors import ScenarioError

__all__ = [
    "SAVED_MARK",
    "ScenarioError",
    "canonical_yaml",
    "digest",
    "dump_draft",
    "parse_scenario",
    "parse_upload",
    "parse_yaml_text",
    "rename_variant",
    "save_variant",
    "saved_variants",
    "valid_name",
]

# The first line of a file the app saved: only such files may be renamed from the app
# (a shipped file may be the base another file extends).
SAVED_MARK = "# Saved from the ftz-twin app"
_NAME = re.compile(r"[a-z0-9][a-z0-9_\-]{0,63}")


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


def parse_upload(data: bytes, filename: str, base_dir: Path) -> Scenario:
    """Validate an uploaded scenario file, resolving ``extends:`` against ``base_dir``.

    The upload is read by the bounded YAML parser (size, depth, aliases; see
    :mod:`ftz_spec.bounded_yaml`) and then loaded exactly as the CLI loads a file that
    sits beside the shipped bases, so its merge, sources and digest are the same as if
    it had been saved in ``base_dir``. ``extends:`` must name a file of ``base_dir``.

    Raises:
        ScenarioError: Named after the uploaded file: not UTF-8, past a limit, malformed
            YAML, an ``extends:`` that is not a shipped file, or an invalid scenario.
    """
    where = f"{filename} (upload)"
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(where, [f"larger than the limit of {MAX_FILE_BYTES:,} bytes"])
    try:
        text = data.decode("utf-8")
        parsed = load_yaml_text(text)
    except UnicodeDecodeError:
        raise ScenarioError(where, ["cannot read file: not UTF-8 text"]) from None
    except YamlLimitError as exc:
        raise ScenarioError(where, [exc.problem]) from None
    if not isinstance(parsed, dict):
        raise ScenarioError(where, ["(top level): expected a mapping of scenario fields"])
    base = parsed.get("extends")
    # Only a plain file name of the app's folder: an upload never reads elsewhere.
    plain = isinstance(base, str) and Path(base).name == base and (base_dir / base).is_file()
    if base is not None and not plain:
        shipped = ", ".join(sorted(p.name for p in base_dir.glob("*.yaml"))[:8])
        raise ScenarioError(
            where, [f"extends: {show(base)} is not a scenario file of the app ({shipped} …)"]
        )
    with tempfile.TemporaryDirectory(prefix="ftztwin-upload-") as tmp:
        folder = Path(tmp)
        for p in base_dir.glob("*.yaml"):
            (folder / p.name).symlink_to(p.resolve())
        target = folder / ".upload.yaml"  # a name no shipped file has
        target.write_text(text, encoding="utf-8")
        try:
            return load_scenario(target)
        except ScenarioError as exc:
            problems = [
                p.replace(str(target), where).replace(tmp, str(base_dir)) for p in exc.problems
            ]
            file = where if exc.file == str(target) else exc.file.replace(tmp, str(base_dir))
            raise ScenarioError(file, problems) from None


def valid_name(name: str) -> str | None:
    """Why ``name`` cannot name a variant (None when it can): the file is ``<name>.yaml``."""
    if not _NAME.fullmatch(name):
        return "use 1-64 lower-case letters, digits, _ or -, starting with a letter or digit"
    return None


def _with_name(scenario: Scenario, name: str) -> Scenario:
    data = scenario.model_dump(mode="json")
    data["name"] = name
    return parse_scenario(data, f"variant {name}")


def save_variant(scenario: Scenario, name: str, folder: Path) -> tuple[Path, Scenario]:
    """Write ``scenario`` as a new variant ``<folder>/<name>.yaml`` named ``name``.

    ``name`` may be typed with its ``.yaml`` ending.

    The file holds the resolved scenario (no ``extends:``) with its digest in the first
    lines; an existing file is never overwritten.

    Raises:
        ScenarioError: The name is not usable or the file exists already.
    """
    name = name.strip().removesuffix(".yaml")  # a planner may type the file name
    problem = valid_name(name)
    target = folder / f"{name}.yaml"
    if problem is None and target.exists():
        problem = f"{target.name} exists already; choose a new name (files are never overwritten)"
    if problem is not None:
        raise ScenarioError("variant name", [f"name: {problem} (got {name!r})"])
    named = _with_name(scenario, name)
    sha = digest(named)
    target.write_text(
        f"{SAVED_MARK}; resolved scenario, sha256: {sha}\n" + canonical_yaml(named),
        encoding="utf-8",
    )
    return target, named


def saved_variants(folder: Path) -> list[str]:
    """File names in ``folder`` that the app saved (and so may rename), sorted."""
    out = []
    for p in sorted(folder.glob("*.yaml")):
        with p.open(encoding="utf-8", errors="replace") as fh:
            if fh.readline().startswith(SAVED_MARK):
                out.append(p.name)
    return out


def rename_variant(folder: Path, old_file: str, new_name: str) -> tuple[Path, Scenario]:
    """Rename a saved variant: a new file ``<new_name>.yaml`` named so; the old one goes.

    Raises:
        ScenarioError: The old file was not saved by the app, or the new name is not
            usable or taken.
    """
    if old_file not in saved_variants(folder):
        raise ScenarioError(old_file, ["only a variant saved from the app can be renamed"])
    scenario = load_scenario(folder / old_file)
    target, named = save_variant(scenario, new_name, folder)
    (folder / old_file).unlink()
    return target, named
