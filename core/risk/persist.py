"""The risk engine's learned state, captured and restored (a restart forgets nothing).

What the engine learns as it runs — the posteriors and contributions of the valuation
table's values, the compliance counts of the random stratum, the running lane rates,
thresholds and recent scores of every zone and direction, and the last ledger event its
feed applied — is captured as plain data with the version (a digest) of the prior
table it was learned on, and restored into an engine built on the same table. A state
learned on another table is refused: its evidence would be read against other priors.
Serialisation is JSON text; storing it is the caller's (``ftz_stores.risk_state``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from core.risk.engine import RiskEngine
from core.risk.errors import RiskError
from core.risk.model import CreditClass, Direction
from core.risk.table import RiskTable

__all__ = ["LaneSnapshot", "RiskState", "RiskStateError", "capture", "restore", "table_version"]

_FORMAT = 1


class RiskStateError(RiskError):
    """A saved state that does not fit: another table's version, or malformed text."""


@dataclass(frozen=True, slots=True)
class LaneSnapshot:
    """The running lane state of one zone and direction."""

    zone: str
    direction: str
    n: float
    selected: tuple[float, ...]
    misses: tuple[int, ...]
    thresholds: tuple[float, ...]
    scores: tuple[float, ...]
    pos: int
    filled: int
    since: int


@dataclass(frozen=True, slots=True)
class RiskState:
    """Everything a risk engine learned, with the version of the table it learned on.

    Attributes:
        table_version: :func:`table_version` of the prior table.
        learned: (attribute, value, violations, observations, last update s).
        contributions: (attribute, value, log-odds) of every value scored.
        new_values: Values learned beyond the table's own (the memory bound's count).
        compliance: (credit class, assessed, sampled, violations).
        lanes: One snapshot per zone and direction seen.
        feed_seq: The last ledger outbox seq applied by the engine's ledger feed.
        credit: The credit rule's running period (period, reference prior, and per
            credit class: declarations, inspections, of which within the random
            minimum), so a restored engine keeps each class's inspection budget.
    """

    table_version: str
    learned: tuple[tuple[str, str, float, float, float], ...]
    contributions: tuple[tuple[str, str, float], ...]
    new_values: int
    compliance: tuple[tuple[str, int, int, int], ...]
    lanes: tuple[LaneSnapshot, ...]
    feed_seq: int = 0
    credit: tuple[int, float, tuple[tuple[str, int, int, int], ...]] = (0, 0.0, ())

    def to_json(self) -> str:
        """Return the state as JSON text (non-finite thresholds as ``Infinity``)."""
        return json.dumps({"format": _FORMAT, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RiskState:
        """Parse :meth:`to_json` text.

        Raises:
            RiskStateError: The text is not a risk state of this format.
        """
        try:
            d: dict[str, Any] = json.loads(text)
            if d.pop("format", None) != _FORMAT:
                raise ValueError("unknown format")
            lanes = tuple(LaneSnapshot(**_tuples(x)) for x in d.pop("lanes"))
            return cls(lanes=lanes, **{k: _tuples(v) for k, v in d.items()})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise RiskStateError(
                f"risk state: not a saved state of format {_FORMAT}: {exc}"
            ) from exc


def _tuples(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_tuples(x) for x in v)
    if isinstance(v, dict):
        return {k: _tuples(x) for k, x in v.items()}
    return v


def table_version(table: RiskTable) -> str:
    """Return a digest of everything in the prior table that learning builds on."""
    parts = [
        repr(table.base_rate),
        repr(table.prior_strength),
        repr(sorted(table.weights.items())),
        repr(sorted(table.learnable)),
        repr(sorted(table.rates.items())),
        repr(sorted(table.reference_value_per_kg.items())),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def capture(engine: RiskEngine, feed_seq: int = 0) -> RiskState:
    """Return what ``engine`` has learned so far, and ``feed_seq``."""
    sc = engine.scorer
    learned = tuple((a, v, st[0], st[1], st[2]) for (a, v), st in sorted(sc._state.items()))
    contrib = tuple(
        (a, v, x) for a, values in sorted(sc._contrib.items()) for v, x in sorted(values.items())
    )
    m = engine.compliance
    comp = tuple((c.value, m._assessed[c], m._sampled[c], m._violations[c]) for c in CreditClass)
    lanes = tuple(
        LaneSnapshot(
            zone,
            direction.value,
            s.n,
            tuple(s.selected),
            tuple(s.misses),
            tuple(s.thresholds),
            tuple(float(x) for x in s._scores),
            s._pos,
            s._filled,
            s._since,
        )
        for (zone, direction), s in sorted(engine._lanes.items())
    )
    cb = engine.credit
    credit = (
        cb._period,
        cb._ref_prior,
        tuple((c.value, cb._n[c], cb._k[c], cb._kp[c]) for c in CreditClass),
    )
    return RiskState(
        table_version(engine.table), learned, contrib, sc._new, comp, lanes, feed_seq, credit
    )


def restore(engine: RiskEngine, state: RiskState) -> None:
    """Put ``state`` into a fresh ``engine`` built on the same table and policy.

    Raises:
        RiskStateError: The state was learned on another table, or does not fit the
            engine's policy (another score window or number of lanes).
    """
    have = table_version(engine.table)
    if state.table_version != have:
        raise RiskStateError(
            f"risk state: learned on table version {state.table_version}, this engine's "
            f"table is {have}; start from the table instead"
        )
    sc = engine.scorer
    sc._state = {(a, v): [y, n, t] for a, v, y, n, t in state.learned}
    for values in sc._contrib.values():
        values.clear()
    for a, v, x in state.contributions:
        sc._contrib[a][v] = x
    sc._new = state.new_values
    m = engine.compliance
    for c, assessed, sampled, violations in state.compliance:
        cc = CreditClass(c)
        m._assessed[cc], m._sampled[cc], m._violations[cc] = assessed, sampled, violations
    for snap in state.lanes:
        _restore_lane(engine, snap)
    period, ref_prior, per_class = state.credit
    if per_class:
        cb = engine.credit
        cb._period, cb._ref_prior = int(period), float(ref_prior)
        for c, n, k, kp in per_class:
            cc = CreditClass(c)
            cb._n[cc], cb._k[cc], cb._kp[cc] = n, k, kp


def _restore_lane(engine: RiskEngine, snap: LaneSnapshot) -> None:
    s = engine._state(snap.zone, Direction(snap.direction))
    if len(snap.scores) != len(s._scores) or len(snap.selected) != len(s.selected):
        raise RiskStateError(
            f"risk state: lane {snap.zone}/{snap.direction} has {len(snap.scores)} scores, "
            f"the policy keeps {len(s._scores)}"
        )
    s.n = snap.n
    s.selected = list(snap.selected)
    s.misses = list(snap.misses)
    s.thresholds = list(snap.thresholds)
    s._scores = np.array(snap.scores, dtype=float)
    s._pos, s._filled, s._since = snap.pos, snap.filled, snap.since
