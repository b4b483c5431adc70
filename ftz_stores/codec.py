"""JSON codec for the ledger's documents and events (frozen dataclasses).

Self-describing: every dataclass, enum, Decimal and tuple carries a tag, so a document
decodes to exactly the object that was stored (the contract suite checks round trips).
Only classes exported by ``core.ledger`` decode: stored text can never name arbitrary
code, unlike pickle.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from enum import Enum
from typing import Any

import core.ledger as _ledger

__all__ = ["decode", "encode"]

_TYPES: dict[str, type] = {
    name: obj
    for name in _ledger.__all__
    if isinstance(obj := getattr(_ledger, name), type)
    and (dataclasses.is_dataclass(obj) or issubclass(obj, Enum))
}


def _enc(o: Any) -> Any:
    if isinstance(o, Enum):  # before the primitives: StrEnum and IntEnum are str and int
        return {"$e": type(o).__name__, "v": o.value}
    if o is None or isinstance(o, bool | int | float | str):
        return o
    if isinstance(o, Decimal):
        return {"$d": str(o)}
    if isinstance(o, tuple):
        return {"$t": [_enc(x) for x in o]}
    if isinstance(o, list):
        return [_enc(x) for x in o]
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        name = type(o).__name__
        if _TYPES.get(name) is not type(o):
            raise TypeError(f"cannot store a {name}: not exported by core.ledger")
        f = {fl.name: _enc(getattr(o, fl.name)) for fl in dataclasses.fields(o)}
        return {"$c": name, "f": f}
    raise TypeError(f"cannot store a {type(o).__name__}: {o!r}")


def _dec(o: Any) -> Any:
    if isinstance(o, list):
        return [_dec(x) for x in o]
    if not isinstance(o, dict):
        return o
    if "$d" in o:
        return Decimal(o["$d"])
    if "$t" in o:
        return tuple(_dec(x) for x in o["$t"])
    if "$e" in o:
        return _TYPES[o["$e"]](o["v"])
    cls = _TYPES[o["$c"]]
    return cls(**{k: _dec(v) for k, v in o["f"].items()})


def encode(obj: object) -> str:
    """Return ``obj`` as JSON text. Raises: TypeError: a type the codec refuses."""
    return json.dumps(_enc(obj), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> object:
    """Return the object encoded in ``text``. Raises: KeyError: an unknown type tag."""
    return _dec(json.loads(text))
