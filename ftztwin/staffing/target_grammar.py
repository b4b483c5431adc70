"""The grammar of a service-level target (``ftztwin staff --target``), parsed by hand.

::

    target   := ws kpi ws op ws number ws
    kpi      := name ( "[" key "]" )*          e.g. utilisation[role=inspection]
    name     := letter ( letter | digit | "_" )*
    key      := one or more of letters, digits and _ / = . , : -
    op       := "<=" | ">=" | "≤" | "≥"
    number   := [+-] ( digits [ "." digits* ] | "." digits ) [ (e|E) [+-] digits ]

A number must be finite and at most :data:`MAX_ABS_VALUE` in size; the whole target is at
most :data:`MAX_TARGET_CHARS` characters. Every error says what was expected and shows
where, with a caret under the expression::

    expected '<=' or '>=' after the KPI at column 23
      clearance_time_min_p95=60
                            ^

Parsing is one pass over at most :data:`MAX_TARGET_CHARS` characters: bounded time.
"""

from __future__ import annotations

import math

__all__ = ["MAX_ABS_VALUE", "MAX_TARGET_CHARS", "TargetSyntaxError", "parse_target_text"]

MAX_TARGET_CHARS = 300
MAX_ABS_VALUE = 1e12  # no KPI (minutes, shares, counts, yuan per run) comes near this
_SHOW = 60  # characters of the expression shown around the error
_KEY_CHARS = frozenset("_/=.,:-")
_OPS = {"<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}


class TargetSyntaxError(ValueError):
    """A target that does not follow the grammar; the message points at the spot.

    Attributes:
        column: 1-based column where the expression went wrong.
    """

    def __init__(self, text: str, pos: int, expected: str) -> None:
        self.column = pos + 1
        start = max(0, min(pos - _SHOW // 2, len(text) - _SHOW))
        shown = text[start : start + _SHOW]
        # Non-printable characters would shift the caret: show them as '?'.
        shown = "".join(c if c.isprintable() else "?" for c in shown)
        lead = "…" if start > 0 else ""
        caret = " " * (len(lead) + pos - start) + "^"
        super().__init__(
            f"{expected} at column {self.column}\n    {lead}{shown}\n    {caret}"
            "\n    (expected KPI<=VALUE or KPI>=VALUE, e.g. clearance_time_min_p95<=60)"
        )


class _Cursor:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def take_while(self, ok: object) -> str:
        start = self.pos
        while self.pos < len(self.text) and ok(self.text[self.pos]):  # type: ignore[operator]
            self.pos += 1
        return self.text[start : self.pos]

    def fail(self, expected: str) -> TargetSyntaxError:
        return TargetSyntaxError(self.text, self.pos, expected)


def _ascii_word(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_")


def _kpi(cur: _Cursor) -> str:
    start = cur.pos
    first = cur.peek()
    if not (first.isascii() and first.isalpha()):
        raise cur.fail("expected a KPI name (a letter first)")
    cur.take_while(_ascii_word)
    while cur.peek() == "[":
        cur.pos += 1
        key = cur.take_while(lambda c: c.isascii() and (c.isalnum() or c in _KEY_CHARS))
        if not key:
            raise cur.fail("expected a key inside [ ] (letters, digits, _ / = . , : -)")
        if cur.peek() != "]":
            raise cur.fail("expected ']' to close the key")
        cur.pos += 1
    return cur.text[start : cur.pos]


def _op(cur: _Cursor) -> str:
    for token, op in _OPS.items():
        if cur.peek(len(token)) == token:
            cur.pos += len(token)
            return op
    here = cur.peek()
    if here in ("<", ">", "="):
        raise cur.fail("expected '<=' or '>=' (a strict or equal bound is not supported)")
    raise cur.fail("expected '<=' or '>=' after the KPI")


def _digits(cur: _Cursor) -> str:
    return cur.take_while(lambda c: "0" <= c <= "9")


def _number(cur: _Cursor) -> float:
    start = cur.pos
    if cur.peek() in ("+", "-"):
        cur.pos += 1
    whole = _digits(cur)
    frac = ""
    if cur.peek() == ".":
        cur.pos += 1
        frac = _digits(cur)
    if not whole and not frac:
        raise cur.fail("expected a number")
    if cur.peek() in ("e", "E"):
        cur.pos += 1
        if cur.peek() in ("+", "-"):
            cur.pos += 1
        if not _digits(cur):
            raise cur.fail("expected the digits of the exponent")
    token = cur.text[start : cur.pos]
    value = float(token)  # the token is a valid float literal by construction
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise TargetSyntaxError(
            cur.text, start, f"expected a number of at most {MAX_ABS_VALUE:g} in size"
        )
    return value


def parse_target_text(text: str) -> tuple[str, str, float]:
    """Parse ``text`` into ``(kpi, op, value)``; ``op`` is ``"<="`` or ``">="``.

    Raises:
        TargetSyntaxError: The text does not follow the grammar (or is too long); the
            message shows the column and a caret.
    """
    if not isinstance(text, str):
        raise TargetSyntaxError(repr(text)[:_SHOW], 0, "expected text")
    if len(text) > MAX_TARGET_CHARS:
        raise TargetSyntaxError(
            text, MAX_TARGET_CHARS, f"longer than the limit of {MAX_TARGET_CHARS} characters"
        )
    cur = _Cursor(text)
    cur.skip_ws()
    kpi = _kpi(cur)
    cur.skip_ws()
    op = _op(cur)
    cur.skip_ws()
    value = _number(cur)
    cur.skip_ws()
    if cur.pos != len(text):
        raise cur.fail("expected the end of the target after the number")
    return kpi, op, value
