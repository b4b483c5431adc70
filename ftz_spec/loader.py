"""Reading scenario files: YAML (safe_load only), ``extends:`` merging, sources, validation.

Every problem becomes a :class:`~ftz_spec.errors.ScenarioError` that names the file, the
field path and the bad value, so the CLI and the app can show it without a traceback.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ftz_spec.bounded_yaml import YamlLimitError, load_yaml_file, show, show_text
from ftz_spec.errors import ScenarioError
from ftz_spec.layers import Layer, OrphanSourceError, SourceClashError, resolve_layers
from ftz_spec.models import FieldPathError, Scenario
from ftz_spec.paths import PathSyntaxError, parse_path
from ftz_spec.provenance import lift_inline
from ftz_spec.source import Source

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "canonical_yaml",
    "describe_validation_error",
    "digest",
    "load_scenario",
    "load_values",
    "merge",
    "parse_scenario",
]

# A scenario extends a base that may extend another: the shipped files go 2 deep.
MAX_EXTENDS_DEPTH = 16


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge and validate the scenario file at ``path``, with the sources of its values.

    Raises:
        ScenarioError: The file is missing, malformed, past a limit of
            :mod:`ftz_spec.bounded_yaml`, has a missing or cyclic ``extends`` or one more
            than :data:`MAX_EXTENDS_DEPTH` files deep, or does not validate (its sources
            included).
    """
    path = Path(path)
    layers = _layers(path)
    return _validated(_merged(layers), layers, str(path))


def load_values(path: str | Path) -> dict[str, Any]:
    """Return the values the files of ``path``'s ``extends`` chain set, merged, unvalidated.

    What the files say, without model defaults or sources: a writer of an overlay uses
    it to know which keys a ``null`` can remove.

    Raises:
        ScenarioError: A file is missing or malformed, or the chain does not merge.
    """
    return _merged(_layers(Path(path)))


def _layers(path: Path) -> list[Layer]:
    return [(where, *_split_sources(where, data)) for where, data in _chain(path, ())]


def _merged(layers: list[Layer]) -> dict[str, Any]:
    values = layers[0][1]
    for where, data, _ in layers[1:]:
        try:
            values = merge(values, data)
        except MergeError as exc:
            raise ScenarioError(where, [f"extends: {exc}"]) from None
    return values


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate already-loaded (and merged) data as a scenario.

    The data may carry sources inline or in a ``sources`` map, as a file does.

    Raises:
        ScenarioError: The data does not validate; one line per problem.
    """
    if not isinstance(data, dict):
        raise ScenarioError(source, [f"(top level): expected a mapping, got {_show(data)}"])
    data = {k: v for k, v in data.items() if k != "extends"}
    values, sources = _split_sources(source, data)
    return _validated(values, [(source, values, sources)], source)


def _model(data: dict[str, Any], source: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            source, [describe_validation_error(err) for err in exc.errors()]
        ) from None


def _validated(values: dict[str, Any], layers: list[Layer], source: str) -> Scenario:
    """Validate the values, then attach the sources the layers leave standing."""
    scenario = _model(values, source)
    if not any(srcs for _, _, srcs in layers):
        return scenario
    try:
        sources = resolve_layers(layers, scenario)
    except (OrphanSourceError, SourceClashError) as exc:
        raise ScenarioError(exc.file, [str(exc).removeprefix(f"{exc.file}: ")]) from None
    # Each source was validated and the resolution named a parameter for each path:
    # attach them without validating the whole scenario a second time.
    return scenario.model_copy(update={"sources": sources})


def _split_sources(where: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One file's values without sources, and its sources (inline ones lifted) by path.

    Raises:
        ScenarioError: A source is malformed; the message names its path and field.
    """
    values, inline = lift_inline(data)
    mapped = values.pop("sources", None)
    if mapped is None:
        mapped = {}
    if not isinstance(mapped, dict):
        raise ScenarioError(
            where, [f"sources: expected a mapping of path: source, got {_show(mapped)}"]
        )
    problems: list[str] = []
    out: dict[str, Source | None] = {}
    for text, raw, label in [
        *((t, r, f"sources[{t!r}]") for t, r in mapped.items()),
        *((t, r, f"{t}.source") for t, r in inline.items()),
    ]:
        if not isinstance(text, str):
            problems.append(f"sources: a path must be text (got {_show(text)})")
            continue
        try:
            parse_path(text, wildcards=True)
        except PathSyntaxError as exc:
            problems.append(f"{label}: {exc} (got {_show(text)})")
            continue
        if raw is None and label.startswith("sources["):
            out[text] = None  # retracts the base's source for these values
            continue
        try:
            out[text] = Source.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                line = describe_validation_error(err)
                sub = "" if line.startswith("(top level)") else "." + line.split(":", 1)[0]
                problems.append(f"{label}{sub}:{line.split(':', 1)[1]}")
    if problems:
        raise ScenarioError(where, problems)
    return values, out


def _where(path: Path) -> str:
    """The file's name for a message, cut when no file system could hold it.

    A hostile sweep file's thousand-character ``scenario:`` must not make a message of a
    thousand characters.
    """
    text = str(path)
    return text if len(text) <= 240 else f"{text[:120]}...{text[-60:]}"


def _read_yaml(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    where = _where(path)
    try:
        data = load_yaml_file(path)
    except FileNotFoundError:
        via = f" (extends from {_where(chain[-1])})" if chain else ""
        raise ScenarioError(where, [f"file not found{via}"]) from None
    except YamlLimitError as exc:
        raise ScenarioError(where, [exc.problem]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(where, [f"cannot read file: {show_text(str(exc))}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(where, [f"(top level): expected a mapping, got {_show(data)}"])
    return data


def _chain(path: Path, chain: tuple[Path, ...]) -> list[tuple[str, dict[str, Any]]]:
    """The files of an ``extends`` chain, the base first, each without its ``extends``."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(str(chain[-1]), [f"extends: cyclic extends ({show_text(cycle)})"])
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            str(chain[0]),
            [f"extends: chain deeper than the limit of {MAX_EXTENDS_DEPTH} files (at {path.name})"],
        )
    data = _read_yaml(path, chain)
    base_name = data.get("extends")
    own = (str(path), {k: v for k, v in data.items() if k != "extends"})
    if base_name is None:
        return [own]
    if not isinstance(base_name, str) or not base_name:
        raise ScenarioError(str(path), [f"extends: expected a file name, got {_show(base_name)}"])
    return [*_chain(path.parent / base_name, (*chain, resolved)), own]


def merge(base: Any, override: Any) -> Any:
    """Merge ``override`` onto ``base``.

    Mappings merge key by key (a ``null`` value removes the key); lists whose items all
    have an ``id`` merge item by item on that id (new ids are appended); any other value
    in ``override`` replaces the one in ``base``.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value)
            else:
                out[key] = value
        return out
    if _id_list(base) and _id_list(override):
        return _merge_items(base, override)
    return override


def _merge_items(base: list[Any], override: list[Any]) -> list[Any]:
    # Indexed by id so that merging n items onto m costs n + m, not n x m.
    out_list = list(base)
    by_id: dict[Any, list[int]] = {}
    for i, b in enumerate(out_list):
        by_id.setdefault(_key(b["id"]), []).append(i)
    for item in override:
        matches = [i for i in by_id.get(_key(item["id"]), []) if _same_item(out_list[i], item)]
        if len(matches) > 1:
            raise MergeError(
                f"item id {show(item['id'])} is ambiguous in the base; give its zone too"
            )
        if matches:
            out_list[matches[0]] = merge(out_list[matches[0]], item)
        else:
            by_id.setdefault(_key(item["id"]), []).append(len(out_list))
            out_list.append(item)
    return out_list


def _key(value: Any) -> Any:
    # Ids are strings in a valid file; anything unhashable is matched by its type and repr.
    try:
        hash(value)
    except TypeError:
        return (type(value).__name__, show(value))
    return value


class MergeError(ValueError):
    """An override item that matches more than one base item."""


def _same_item(base: dict[str, Any], item: dict[str, Any]) -> bool:
    # Gates share ids across zones (gate_1L_01 in every zone), so a zone, when the
    # override names one, is part of the identity.
    if base.get("id") != item.get("id"):
        return False
    return "zone" not in item or base.get("zone") == item.get("zone")


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"fixed", "exponential", "lognormal", "triangular", "uniform"}:
            continue  # pydantic names the union member; the user wrote no such key
        elif isinstance(part, str) and ("." in part or "[" in part):
            out += f"[{show(part)}]"  # a key that is itself a path (sweep factors)
        else:
            part = show_text(str(part))  # an invented key may be as long as the file
            out += f".{part}" if out else part
    return out or "(top level)"


def _show(value: Any) -> str:
    return show(value)


def describe_validation_error(err: Any) -> str:
    """One line for one pydantic error: field path, message and the bad value."""
    loc = tuple(err.get("loc", ()))
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, FieldPathError):
        return f"{_path(loc + ctx_error.path)}: {ctx_error.message} (got {_show(ctx_error.value)})"
    msg = str(err.get("msg", "invalid"))
    if len(msg) > 200:  # a message that quotes the input (a huge key) is cut as well
        msg = msg[:197] + "..."
    if err.get("type") == "extra_forbidden":
        return f"{_path(loc)}: unknown key (got {_show(err.get('input'))})"
    if err.get("type") == "missing":
        return f"{_path(loc)}: required field is missing"
    return f"{_path(loc)}: {msg} (got {_show(err.get('input'))})"


def canonical_yaml(scenario: Scenario) -> str:
    """Return the resolved scenario as canonical YAML (sorted keys, no ``extends``).

    Sources are part of it, in their resolved map: a scenario written inline or by path,
    or loaded back from this text, gives the same text and the same digest.
    """
    data = scenario.model_dump(mode="json", exclude={"extends"})
    return yaml.safe_dump(data, sort_keys=True, allow_unicode=True, default_flow_style=False)


def digest(scenario: Scenario) -> str:
    """Return the sha256 hex digest of :func:`canonical_yaml`."""
    return hashlib.sha256(canonical_yaml(scenario).encode("utf-8")).hexdigest()
