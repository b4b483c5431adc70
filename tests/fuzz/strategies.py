"""Hypothesis strategies for hostile scenario files, sweep files, targets and device frames.

Files start from a valid document and are mutated: a value anywhere replaced by a hostile
one (non-finite, huge, negative, zero, of the wrong type, deeply nested, very long), keys
deleted or invented, the text cut, spliced or replaced by YAML bombs. Most inputs are
therefore *almost* valid, which is where a parser's bugs are.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import strategies as st

from hardware_models.serial import encode_frame
from tests.conftest import MINIMAL

__all__ = [
    "HOSTILE",
    "envelope_bytes",
    "mutated_doc",
    "scenario_text",
    "sweep_text",
    "target_text",
    "toledo_bytes",
    "yaml_bomb",
]

BASE_SCENARIO: dict[str, Any] = yaml.safe_load(MINIMAL)
BASE_SWEEP: dict[str, Any] = {
    "name": "fuzz",
    "scenario": "base.yaml",
    "design": "grid",
    "replications": 2,
    "fixed": {"run.horizon_h": 2, "run.warmup_h": 0.5},
    "levers": {"site.staff_pools[id=officers].count": [4, 8]},
    "uncertainties": {"uncertainties.traffic_scale": {"low": 0.8, "high": 1.2, "levels": 2}},
}

_FLOATS = st.sampled_from(
    [float("inf"), float("-inf"), float("nan"), 1e40, -1e40, 1e308, 5e-324, -0.0, 0.0, -1.0]
)
_INTS = st.one_of(
    st.sampled_from([0, -1, 1, 2**31, 2**63, 10**12, 10**20]),
    st.integers(-(10**6), 10**6),
    st.integers(0, 60).map(lambda k: 10**k),
)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = st.one_of(
    st.floats(0, 1_000),  # plausible values too: most accepted files are near valid ones
    st.integers(0, 100),
    _FLOATS,
    _INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.text(max_size=30),
    st.integers(1, 2_000).map(lambda n: "x" * n * 50),
    st.integers(1, 60).map(_nested),
    st.integers(1, 3_000).map(lambda n: list(range(n))),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=4),
    st.lists(st.dictionaries(st.sampled_from(["id", "zone", "count"]), st.text(max_size=5))),
    st.sampled_from(["atlantis", "", "sim.crystal_ball", "../../etc/passwd", "z1", "g1"]),
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        out = dict(doc)
        if delete and not rest:
            out.pop(head, None)
        elif not rest:
            out[head] = value
        else:
            out[head] = _set(doc[head], rest, value, delete)
        return out
    out_list = list(doc)
    if delete and not rest:
        del out_list[head]
    else:
        out_list[head] = _set(doc[head], rest, value, delete)
    return out_list


@st.composite
def mutated_doc(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """``base`` with one to four mutations anywhere."""
    doc: Any = base
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc) if isinstance(doc, dict | list) else []
        kind = draw(st.sampled_from(["replace", "replace", "replace", "delete", "invent"]))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        if kind == "replace":
            doc = _set(doc, path, draw(HOSTILE))
        elif kind == "delete":
            doc = _set(doc, path, None, delete=True)
        else:
            parent = path[:-1]
            key = draw(st.text(min_size=1, max_size=12))
            target = doc
            for p in parent:
                target = target[p]
            if isinstance(target, dict):
                doc = _set(doc, (*parent, key), draw(HOSTILE))
    return doc


def yaml_bomb(kind: str, n: int) -> str:
    """A YAML text past one limit: nesting, aliases, integer size, size."""
    if kind == "deep_flow":
        return "name: x\nsite: " + "[" * n + "]" * n + "\n"
    if kind == "deep_block":
        return "name: x\nsite:\n" + "".join("  " * i + "- \n" for i in range(1, min(n, 400)))
    if kind == "laughs":
        lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, min(n, 12)):
            prev = f"*a{i - 1}"
            lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
        return "\n".join(lines) + f"\nname: *a{min(n, 12) - 1}\n"
    if kind == "self_alias":
        return "name: &a [*a]\n"
    if kind == "big_int":
        return f"name: x\nrun: {{seed: {'9' * n}}}\n"
    if kind == "big_float":
        return f"name: x\nrun: {{horizon_h: 1{'0' * n}.0}}\n"
    if kind == "huge":
        return "name: x\nsite: [" + "1, " * (n * 100) + "1]\n"
    if kind == "tag":
        return "name: !!python/object/apply:os.system ['true']\n"
    if kind == "binary":
        return "name: !!binary " + "QUJD" * n + "\n"
    return "\x00\xff" * n


_BOMB = st.builds(
    yaml_bomb,
    st.sampled_from(
        [
            "deep_flow",
            "deep_block",
            "laughs",
            "self_alias",
            "big_int",
            "big_float",
            "huge",
            "tag",
            "binary",
            "junk",
        ]
    ),
    st.integers(1, 40_000),
)


def _dump(doc: Any) -> str:
    try:
        return yaml.safe_dump(doc, allow_unicode=True, default_flow_style=None, sort_keys=False)
    except (yaml.YAMLError, RecursionError, ValueError):
        return json.dumps(doc, default=str)


@st.composite
def _text_mutation(draw: st.DrawFn, text: str) -> str:
    i = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(["cut", "insert", "splice_bomb"]))
    if how == "cut":
        return text[:i]
    if how == "insert":
        return text[:i] + draw(st.text(max_size=20)) + text[i:]
    return text[:i] + draw(_BOMB) + text[i:]


def _file_text(base: dict[str, Any]) -> st.SearchStrategy[str]:
    mutated = mutated_doc(base).map(_dump)
    return st.one_of(
        mutated,
        mutated,
        mutated,
        _BOMB,
        mutated.flatmap(_text_mutation),
    )


scenario_text = _file_text(BASE_SCENARIO)
sweep_text = _file_text(BASE_SWEEP)

_KPIS = [
    "clearance_time_min_p95",
    "utilisation[role=inspection]",
    "wait_min_mean[staff/docs]",
    "cleared_ratio",
]
_TARGET_ALPHABET = st.sampled_from(list("abz_[]=/<>≤≥.,:-+eE0123456789 \t\n\x00é"))


@st.composite
def target_text(draw: st.DrawFn) -> str:
    """A target expression: valid, near-valid or junk."""
    how = draw(st.integers(0, 3))
    if how == 0:
        return draw(st.text(alphabet=_TARGET_ALPHABET, max_size=40))
    kpi = draw(st.sampled_from(_KPIS) | st.text(alphabet=_TARGET_ALPHABET, max_size=12))
    op = draw(st.sampled_from(["<=", ">=", "≤", "≥", "<", ">", "=", "==", "=<", "", "<=="]))
    number = draw(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True).map(repr),
            st.integers().map(str),
            st.sampled_from(["1.2.3", "...", "1e", "1e999", "-1e999", "nan", "inf", "0x10", "١٢"]),
            st.integers(1, 400).map(lambda n: "9" * n),
            st.text(alphabet=_TARGET_ALPHABET, max_size=8),
        )
    )
    text = f"{kpi}{op}{number}"
    if how == 3:
        text = draw(st.sampled_from([" ", "\t", ""])) + text + draw(st.sampled_from([" ", "x"]))
    return text


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_GOOD_ENVELOPE = {
    "v": 1,
    "device": "z/g/cam-1",
    "seq": 1,
    "ts": 1.0,
    "status": "ok",
    "value": "沪A12345",
    "conf": 0.9,
}


_GOOD_PASS = {
    "pass_id": "HF1",
    "plate": "沪A12345",
    "items": [["L1", 1, "10"]],
    "vehicle_tare_kg": 8000.0,
    "gross_weight_kg": 20000.0,
    "transfer": {"waypoints": [[0, 0], [1, 1]], "corridor_m": 500, "allowed_stops": []},
}


@st.composite
def arrival_value(draw: st.DrawFn) -> Any:
    """A lane PC's arrival: lane, case and a gate pass with hostile fields."""
    doc = draw(mutated_doc(_GOOD_PASS))
    return {"lane": "z/g/lane1", "case_id": "c1", "gate_pass": doc}


@st.composite
def envelope_bytes(draw: st.DrawFn) -> bytes:
    """A device message: a mutated good envelope, any JSON, deep JSON, an arrival or raw bytes."""
    how = draw(st.integers(0, 5))
    if how == 5:
        doc = dict(_GOOD_ENVELOPE, device="z/g/lane_pc", value=draw(arrival_value()))
        return json.dumps(doc, allow_nan=True).encode()
    if how == 0:
        return draw(st.binary(max_size=300))
    if how == 1:
        return json.dumps(draw(_JSON)).encode()
    if how == 2:
        n = draw(st.integers(1, 20_000))
        return ("[" * n + "]" * n).encode()
    doc = dict(_GOOD_ENVELOPE)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*_GOOD_ENVELOPE, "mac", "case_id", "extra"]))
        doc[key] = draw(_JSON | HOSTILE.filter(lambda v: not isinstance(v, str) or len(v) < 400))
    text = json.dumps(doc, allow_nan=True)
    if how == 4:
        text = text.replace('"ok"', draw(st.sampled_from(['["ok"]', '{"a":1}', "NaN", "1e999"])))
    return text.encode()


@st.composite
def toledo_bytes(draw: st.DrawFn) -> bytes:
    """A Toledo frame: a good one with bytes flipped, cut or extended, or raw bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=40))
    frame = bytearray(encode_frame(draw(st.floats(0, 9_999_990))))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(frame) - 1))
        frame[i] = draw(st.integers(0, 255))
    return bytes(frame[: draw(st.integers(0, len(frame) + 2))])
