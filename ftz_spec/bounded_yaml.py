"""YAML for hostile files: bounded size, nesting, alias expansion and integer size.

``yaml.safe_load`` refuses code (``!!python`` tags) but not cost: a file nested 20,000
deep overflows the composer's recursion, nine lines of aliases (a "billion laughs") expand
to 10⁹ nodes that merging, validating or ``repr()`` then walk, and a 5,000-digit integer
trips Python's int-string limit. This loader keeps ``safe_load``'s meaning and refuses each
of these with a message naming the limit, before anything walks the data:

* the file is at most :data:`MAX_FILE_BYTES` (read no further than that);
* nesting is at most :data:`MAX_DEPTH` collections deep, counted through aliases;
* the document, with every alias expanded, has at most :data:`MAX_NODES` nodes (aliases
  that share a small anchor, as ``scenarios/base.yaml`` does, stay well inside it);
  an alias that refers to its own anchor (a cycle) is refused;
* an integer has at most :data:`MAX_INT_DIGITS` digits.

:func:`show` is the one way to put a value into a message: bounded work, a few dozen
characters, never a full ``repr()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NODES",
    "YamlLimitError",
    "load_yaml_file",
    "load_yaml_text",
    "show",
]

MAX_FILE_BYTES = 262_144  # the shipped base scenario is 10 KB: 256 KiB is 25 of them
MAX_DEPTH = 64  # the scenario schema nests 6 deep; sweeps and risk files fewer
MAX_NODES = 200_000  # after alias expansion; base.yaml expands to about 2,000
MAX_INT_DIGITS = 30  # no count, seed or amount in any file needs more
SHOW_CHARS = 80  # what a message shows of a bad value


class YamlLimitError(ValueError):
    """A file past one of the limits, or malformed YAML.

    Attributes:
        problem: One line naming the limit (or the YAML error) and where it was hit.
    """

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


def _at(node: Node | None) -> str:
    mark = getattr(node, "start_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` whose composer counts depth and whose int constructor is bounded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise YamlLimitError(
                    f"{_at(event)}nesting deeper than the limit of {MAX_DEPTH} levels"
                )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node: ScalarNode) -> int:
        digits = sum(c.isalnum() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise YamlLimitError(
                f"{_at(node)}integer longer than the limit of {MAX_INT_DIGITS} digits "
                f"(got {show(node.value)})"
            )
        return super().construct_yaml_int(node)  # type: ignore[no-any-return]


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)


def _expanded_size(root: Node) -> None:
    """Refuse a node graph whose alias expansion is too large, too deep or cyclic.

    Each distinct node is measured once (memoised), so the check itself costs the size
    of the file, not of its expansion.
    """
    size: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, depth) when expanded
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            kids = _children(node)
            nodes = 1 + sum(size[id(k)][0] for k in kids)
            depth = 1 + max((size[id(k)][1] for k in kids), default=0)
            if nodes > MAX_NODES:
                raise YamlLimitError(
                    f"{_at(node)}more than the limit of {MAX_NODES:,} values once aliases "
                    "are expanded (an alias bomb?)"
                )
            if depth > MAX_DEPTH:
                raise YamlLimitError(
                    f"{_at(node)}nesting deeper than the limit of {MAX_DEPTH} levels "
                    "once aliases are expanded"
                )
            size[key] = (nodes, depth)
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlLimitError(f"{_at(node)}an alias refers to its own anchor (a cycle)")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml_text(text: str) -> Any:
    """Parse one YAML document within the limits; ``safe_load`` semantics otherwise.

    Raises:
        YamlLimitError: The text is past a limit or is not YAML (the problem names the
            line and the limit).
    """
    if len(text) > MAX_FILE_BYTES:
        raise YamlLimitError(f"larger than the limit of {MAX_FILE_BYTES:,} bytes")
    loader = None
    try:
        loader = _BoundedLoader(text)  # the reader refuses control characters here
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    except YamlLimitError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlLimitError(f"malformed YAML: {at}{show_text(problem)}") from None
    except (ValueError, OverflowError) as exc:  # e.g. a timestamp out of range
        raise YamlLimitError(f"malformed YAML: {show_text(str(exc))}") from None
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml_file(path: Path) -> Any:
    """Read ``path`` (at most :data:`MAX_FILE_BYTES`) and parse it as :func:`load_yaml_text`.

    Raises:
        FileNotFoundError: There is no such file.
        OSError: It cannot be read.
        UnicodeDecodeError: It is not UTF-8.
        YamlLimitError: As :func:`load_yaml_text`.
    """
    with path.open("rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise YamlLimitError(f"larger than the limit of {MAX_FILE_BYTES:,} bytes")
    return load_yaml_text(raw.decode("utf-8"))


def _short(value: Any, level: int = 0) -> str:
    # repr() in file order, but at most 4 items per collection and 3 levels deep, so
    # the cost is the size of what is shown, never of the value.
    if isinstance(value, dict):
        if level >= 3:
            return "{...}"
        items = [
            f"{_short(k, level + 1)}: {_short(v, level + 1)}" for k, v in _first(value.items())
        ]
        return "{" + ", ".join(items) + (", ..." if len(value) > 4 else "") + "}"
    if isinstance(value, list | tuple):
        ends = "[]" if isinstance(value, list) else "()"
        if level >= 3:
            return ends[0] + "..." + ends[1]
        items = [_short(v, level + 1) for v in _first(value)]
        return ends[0] + ", ".join(items) + (", ..." if len(value) > 4 else "") + ends[1]
    if isinstance(value, str | bytes):
        return repr(value[: SHOW_CHARS + 1])
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return "<an integer of more than 60 digits>"
    return repr(value)


def _first(items: Any) -> list[Any]:
    out = []
    for item in items:
        if len(out) == 4:
            break
        out.append(item)
    return out


def show(value: Any) -> str:
    """A bounded ``repr`` of ``value`` for a message: a few dozen characters at most.

    Costs the size of what is shown, not of the value (an expanded alias bomb, a huge
    list), because nested collections are cut after a few items and three levels.
    """
    try:
        text = _short(value)
    except Exception:  # a value whose repr fails still gets a message
        text = f"<{type(value).__name__}>"
    return show_text(text)


def show_text(text: str) -> str:
    """``text`` cut to :data:`SHOW_CHARS` characters (an ellipsis says it was cut)."""
    return text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 3] + "..."
