"""Targeted controls (布控指令): analyst orders, time-boxed and scoped.

A control selects a share (``target_rate``) of the declarations in its scope for one lane
between ``start_s`` and ``end_s``; after ``end_s`` it selects nothing. Two controls of the
same scope width that can hit the same declaration at the same time must agree on lane
and rate: otherwise which one wins would depend on their order, and the analyst's intent
would be lost.
A control may name the violation kinds it is after (an IPR control looks for fakes),
which the decision carries to the officer who inspects.

A control scoped to enterprises is narrower than one scoped to none and is tried first,
so the two never conflict: an analyst's order on one trader's goods overrides a standing
control on the same goods (an IPR control, say) for that trader.

Analysts issue controls as a run goes (dozens a day), so the book is indexed by
enterprise: a declaration is matched only against the controls scoped to its enterprise
and those scoped to none, and a new control is checked for conflicts against those only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.risk.errors import ControlError
from core.risk.kinds import ViolationKind, parse_kind
from core.risk.model import Declaration, Lane

__all__ = ["ControlBook", "TargetedControl"]

_KEYS = frozenset(
    {
        "control_id",
        "lane",
        "target_rate",
        "start_s",
        "end_s",
        "enterprises",
        "hs_prefixes",
        "origins",
        "zones",
        "kinds",
        "reason",
    }
)


@dataclass(frozen=True, slots=True)
class TargetedControl:
    """One targeted control (布控指令).

    Attributes:
        control_id: Unique id, recorded on every selection it makes.
        lane: Lane its selections go to.
        target_rate: Share of in-scope declarations to select, in [0, 1].
        start_s: First second it applies (inclusive).
        end_s: Second it expires (exclusive); ``inf`` for open-ended.
        enterprises: Enterprise ids in scope; empty means any.
        hs_prefixes: HS code prefixes (2–10 digits) in scope; empty means any.
        origins: Origin countries in scope; empty means any.
        zones: Zone ids in scope; empty means any.
        reason: The analyst's reason, copied into each selection.
        kinds: Violation kinds the control is after; empty means any.
    """

    control_id: str
    lane: Lane
    target_rate: float
    start_s: float
    end_s: float = math.inf
    enterprises: frozenset[str] = frozenset()
    hs_prefixes: frozenset[str] = frozenset()
    origins: frozenset[str] = frozenset()
    zones: frozenset[str] = frozenset()
    reason: str = ""
    kinds: frozenset[ViolationKind] = frozenset()

    def __post_init__(self) -> None:
        """Validate the control.

        Raises:
            ControlError: A rate outside [0, 1], an empty time box, automatic release as
                the lane, or a malformed HS prefix; the message names the control.
        """
        where = f"control {self.control_id!r}"
        if not self.control_id:
            raise ControlError("control: control_id is required")
        if not 0.0 <= self.target_rate <= 1.0:
            raise ControlError(f"{where}: target_rate {self.target_rate:g} outside [0, 1]")
        if not self.start_s < self.end_s:
            raise ControlError(f"{where}: start_s {self.start_s:g} not before end_s {self.end_s:g}")
        if self.lane is Lane.AUTO_RELEASE:
            raise ControlError(f"{where}: lane auto_release selects nothing")
        for p in self.hs_prefixes:
            if not (2 <= len(p) <= 10 and p.isdigit()):
                raise ControlError(f"{where}: hs prefix {p!r} is not 2–10 digits")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "control") -> TargetedControl:
        """Build a control from plain data, naming ``where`` on error.

        Raises:
            ControlError: Unknown key, unknown lane or bad value.
        """
        extra = sorted(str(k) for k in data if k not in _KEYS)
        if extra:
            raise ControlError(f"{where}: unknown key(s) {extra}")
        try:
            return cls(
                control_id=str(data["control_id"]),
                lane=Lane.parse(str(data["lane"])),
                target_rate=float(data["target_rate"]),
                start_s=float(data.get("start_s", 0.0)),
                end_s=float(data.get("end_s", math.inf)),
                enterprises=_names(data, "enterprises"),
                hs_prefixes=_names(data, "hs_prefixes"),
                origins=_names(data, "origins"),
                zones=_names(data, "zones"),
                reason=str(data.get("reason", "")),
                kinds=frozenset(
                    parse_kind(k, "kinds", ControlError) for k in _names(data, "kinds")
                ),
            )
        except ControlError as exc:
            raise ControlError(f"{where}: {exc}") from None
        except (KeyError, ValueError, TypeError) as exc:
            raise ControlError(f"{where}: missing or bad value ({exc})") from None

    def is_active(self, now: float) -> bool:
        """Return whether the control applies at ``now`` (seconds)."""
        return self.start_s <= now < self.end_s

    def matches(self, declaration: Declaration) -> bool:
        """Return whether ``declaration`` is in scope; HS and origin must meet on one line."""
        if self.enterprises and declaration.enterprise_id not in self.enterprises:
            return False
        if self.zones and declaration.zone not in self.zones:
            return False
        if not self.hs_prefixes and not self.origins:
            return True
        return any(self._line_matches(line.hs_code, line.origin) for line in declaration.lines)

    def _line_matches(self, hs_code: str, origin: str) -> bool:
        if self.origins and origin not in self.origins:
            return False
        return not self.hs_prefixes or any(hs_code.startswith(p) for p in self.hs_prefixes)

    def overlaps(self, other: TargetedControl) -> bool:
        """Return whether some declaration at some moment could be hit by both controls."""
        if not (self.start_s < other.end_s and other.start_s < self.end_s):
            return False
        for mine, theirs in (
            (self.enterprises, other.enterprises),
            (self.origins, other.origins),
            (self.zones, other.zones),
        ):
            if mine and theirs and not mine & theirs:
                return False
        if self.hs_prefixes and other.hs_prefixes:
            return any(
                a.startswith(b) or b.startswith(a)
                for a in self.hs_prefixes
                for b in other.hs_prefixes
            )
        return True


def _names(data: Mapping[str, Any], key: str) -> frozenset[str]:
    value = data.get(key) or ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ControlError(f"{key}: expected a list, got {value!r}")
    return frozenset(str(v) for v in value)


class ControlBook:
    """A validated set of targeted controls, indexed by enterprise, active ones cached."""

    def __init__(self, controls: Iterable[TargetedControl] = ()) -> None:
        """Validate ``controls`` as a whole.

        Raises:
            ControlError: Duplicate ids, or overlapping controls with different lanes or
                target rates; the message names both.
        """
        self.controls: tuple[TargetedControl, ...] = ()
        self._by_id: dict[str, TargetedControl] = {}
        self._by_enterprise: dict[str, list[TargetedControl]] = {}
        self._unscoped: list[TargetedControl] = []
        self._order: dict[str, int] = {}
        for c in controls:
            self._check(c)
            self._insert(c)
        self.controls = tuple(self._by_id.values())
        self._active: frozenset[str] = frozenset()
        self._valid_from = math.inf
        self._valid_until = -math.inf

    @classmethod
    def from_mappings(cls, data: Sequence[Mapping[str, Any]]) -> ControlBook:
        """Build a book from plain data; entries are named ``controls[i]`` on error.

        Raises:
            ControlError: A bad entry or a conflict.
        """
        if not isinstance(data, Sequence):
            raise ControlError(f"controls: expected a list, got {type(data).__name__}")
        return cls(TargetedControl.from_mapping(d, f"controls[{i}]") for i, d in enumerate(data))

    def with_control(self, control: TargetedControl) -> ControlBook:
        """Return a new book with ``control`` added (checked against the controls it can meet).

        Raises:
            ControlError: It conflicts with a control already in the book.
        """
        self._check(control)
        return ControlBook._from_checked((*self.controls, control))

    def without(self, control_id: str) -> ControlBook:
        """Return a new book without the control ``control_id`` (withdrawn); unknown ids are ignored."""
        if control_id not in self._by_id:
            return self
        return ControlBook._from_checked(c for c in self.controls if c.control_id != control_id)

    def pruned(self, now: float) -> ControlBook:
        """Return a new book without the controls that expired before ``now`` (flat memory)."""
        if all(c.end_s > now for c in self.controls):
            return self
        return ControlBook._from_checked(c for c in self.controls if c.end_s > now)

    @classmethod
    def _from_checked(cls, controls: Iterable[TargetedControl]) -> ControlBook:
        book = cls.__new__(cls)
        book._by_id, book._by_enterprise, book._unscoped, book._order = {}, {}, [], {}
        for c in controls:
            book._insert(c)
        book.controls = tuple(book._by_id.values())
        book._active, book._valid_from, book._valid_until = frozenset(), math.inf, -math.inf
        return book

    def get(self, control_id: str) -> TargetedControl | None:
        """Return the control ``control_id``, or None."""
        return self._by_id.get(control_id)

    def active(self, now: float) -> tuple[TargetedControl, ...]:
        """Return the controls in force at ``now``, in book order."""
        self._refresh(now)
        return tuple(c for c in self.controls if c.control_id in self._active)

    def candidates(self, declaration: Declaration, now: float) -> list[TargetedControl]:
        """Return the controls in force at ``now`` that may match ``declaration``.

        First those scoped to the declaration's enterprise, then those scoped to no
        enterprise, each in book order; :meth:`TargetedControl.matches` decides the rest.
        """
        self._refresh(now)
        active = self._active
        if not active:
            return []
        own = self._by_enterprise.get(declaration.enterprise_id, ())
        return [c for c in own if c.control_id in active] + [
            c for c in self._unscoped if c.control_id in active
        ]

    def _refresh(self, now: float) -> None:
        # Recomputed only when a control starts or ends.
        if not self._valid_from <= now < self._valid_until:
            self._active = frozenset(c.control_id for c in self.controls if c.is_active(now))
            edges = [t for c in self.controls for t in (c.start_s, c.end_s)]
            self._valid_from = max((t for t in edges if t <= now), default=-math.inf)
            self._valid_until = min((t for t in edges if t > now), default=math.inf)

    def _insert(self, c: TargetedControl) -> None:
        self._order[c.control_id] = len(self._order)
        self._by_id[c.control_id] = c
        if c.enterprises:
            for e in c.enterprises:
                self._by_enterprise.setdefault(e, []).append(c)
        else:
            self._unscoped.append(c)

    def _check(self, c: TargetedControl) -> None:
        if c.control_id in self._by_id:
            raise ControlError(f"control {c.control_id!r}: duplicate control_id")
        if c.enterprises:
            seen: dict[str, TargetedControl] = {o.control_id: o for o in self._unscoped}
            for e in c.enterprises:
                seen.update((o.control_id, o) for o in self._by_enterprise.get(e, ()))
            others: Iterable[TargetedControl] = sorted(
                seen.values(), key=lambda o: self._order[o.control_id]
            )
        else:
            others = self._by_id.values()
        for other in others:
            same = other.lane is c.lane and other.target_rate == c.target_rate
            narrower = bool(c.enterprises) != bool(other.enterprises)  # one takes precedence
            if not same and not narrower and c.overlaps(other):
                raise ControlError(
                    f"control {c.control_id!r} (lane {c.lane.label}, target_rate "
                    f"{c.target_rate:g}) overlaps control {other.control_id!r} (lane "
                    f"{other.lane.label}, target_rate {other.target_rate:g}) with a "
                    "conflicting target"
                )
