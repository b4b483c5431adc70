"""Ranking and selection among the search's best staffings, with a stated guarantee.

The search chose its shortlist on replications 0, 1, 2 …; selection runs *fresh*
replications (from ``first_rep``, common to every candidate), so what it concludes is not
coloured by the search's luck. Two fully sequential stages share the error rate α:

1. **Feasibility**: every candidate and target gets a one-sided t-test (H0: the bound is
   missed, and symmetrically H0: it is met), looked at after n0 replications and then
   each time their number doubles, up to the budget. Each test at each look runs at α/2 ÷ (k·m·looks) (Bonferroni over
   candidates, targets and looks), so with probability ≥ 1 − α/2 no candidate is
   declared to meet a target it misses, nor to miss one it meets. Too close to call at
   the budget is *undecided* and never chosen.
2. **Selection** (Kim & Nelson 2001, procedure KN, with common random numbers): among the
   candidates declared feasible with the fewest officers, the one with the best mean of
   the objective KPI (lower is better) is chosen; with probability ≥ 1 − α/2 it is the
   best or within the indifference zone δ of it.

Together, with probability ≥ 1 − α: the chosen staffing meets every target and no
shortlisted feasible staffing with as few officers serves better by more than δ. KN looks
at the data every ``batch`` replications rather than every one, which only makes it more
conservative. If it runs out of budget the best mean is taken and the guarantee is
reported as not reached. Finally each target of the chosen staffing gets a one-sided
t-test on all its replications, Holm-adjusted over the targets.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scipy import stats

from ftztwin.staffing.candidate import Staffing
from ftztwin.staffing.evaluate import Evaluator
from ftztwin.staffing.targets import Target
from twin.stats import Interval, mean_ci

__all__ = ["Entry", "HolmCheck", "Selection", "holm", "select"]


@dataclass
class Entry:
    """One shortlisted staffing in the selection."""

    staffing: Staffing
    status: str = "open"  # feasible | infeasible | undecided | eliminated | chosen
    reps: int = 0
    reason: str = ""
    intervals: dict[str, Interval] = field(default_factory=dict)


@dataclass(frozen=True)
class HolmCheck:
    """A target of the chosen staffing: one-sided p-value, Holm-adjusted, and verdict."""

    target: Target
    interval: Interval
    p: float
    p_holm: float
    met: bool


@dataclass
class Selection:
    """What the selection stage did and chose."""

    entries: list[Entry]
    objective: str
    alpha: float
    delta: float
    first_rep: int
    chosen: Staffing | None = None
    guarantee: bool = False
    note: str = ""
    holm: list[HolmCheck] = field(default_factory=list)

    @property
    def replications(self) -> int:
        """Replications the selection looked at, over all candidates."""
        return sum(e.reps for e in self.entries)


def _h2(alpha: float, n0: int) -> float:
    """KN's h²: ``(n0 − 1)·((2α)^(−2/(n0 − 1)) − 1)`` for a per-comparison error ``alpha``."""
    return (n0 - 1) * ((2 * alpha) ** (-2.0 / (n0 - 1)) - 1.0)


def _signed(t: Target, xs: Sequence[float]) -> tuple[list[float], float]:
    """Observations and bound turned so that 'meets' means 'at most the bound'."""
    if t.op == "<=":
        return list(xs), t.value
    return [-x for x in xs], -t.value


def _looks(n0: int, batch: int, max_reps: int) -> list[int]:
    """Replication counts at which the feasibility stage looks: n0, then doubling.

    Few looks keep the Bonferroni share of each small; doubling still stops an easy
    call early. Counts are rounded up to whole batches of the backend's workers.
    """
    out, r = [], n0
    while r < max_reps:
        out.append(r)
        r = -(-2 * r // batch) * batch
    return [*out, max_reps]


def _one_sided(ys: Sequence[float], q: float, level: float) -> bool | None:
    """True: mean < q at ``level``; False: mean > q at ``level``; None: undecided."""
    n = len(ys)
    mean, sd = statistics.fmean(ys), statistics.stdev(ys)
    if sd == 0:
        return True if mean < q else False if mean > q else None
    half = float(stats.t.ppf(1 - level, n - 1)) * sd / math.sqrt(n)
    return True if mean + half <= q else False if mean - half >= q else None


def _feasibility(
    ev: Evaluator, entries: list[Entry], alpha: float, first: int,
    n0: int, batch: int, max_reps: int,
) -> None:  # fmt: skip
    """Declare each entry feasible, infeasible or undecided (error ≤ ``alpha`` in all)."""
    k, m = len(entries), len(ev.targets)
    looks = _looks(n0, batch, max_reps)
    level = alpha / (k * m * len(looks))  # Bonferroni: candidates × targets × looks
    open_ = {(i, j) for i in range(k) for j in range(m)}
    for r in looks:
        for i, e in enumerate(entries):
            if e.status != "open":
                continue
            e.reps = r
            for j, t in enumerate(ev.targets):
                if (i, j) not in open_:
                    continue
                ys, q = _signed(t, ev.values(e.staffing, t.kpi, range(first, first + r)))
                if any(math.isnan(y) for y in ys):
                    continue  # stays open: fails closed at the budget
                decided = _one_sided(ys, q, level)
                if decided is True:
                    open_.discard((i, j))
                elif decided is False:
                    open_ -= {(i, jj) for jj in range(m)}
                    e.status, e.reason = "infeasible", f"misses {t}"
                    break
            if e.status == "open" and not any((i, jj) in open_ for jj in range(m)):
                e.status = "feasible"
        if not open_:
            break
    for i, e in enumerate(entries):
        if e.status == "open":
            e.status = "undecided"
            left = [str(ev.targets[j]) for j in range(m) if (i, j) in open_]
            e.reason = f"undecided at {e.reps} replications: {', '.join(left)}"


def _kn(
    ev: Evaluator, tier: list[Entry], objective: str, alpha: float, delta: float, first: int,
    n0: int, batch: int, max_reps: int,
) -> tuple[Entry, bool]:  # fmt: skip
    """Procedure KN (minimise ``objective``) over ``tier``; (winner, guarantee reached)."""
    k = len(tier)
    h2 = _h2(alpha / (k - 1), n0)
    r = max(n0, max(e.reps for e in tier))
    alive = list(range(k))

    def obs(i: int, n: int) -> list[float]:
        return ev.values(tier[i].staffing, objective, range(first, first + n))

    first_n0 = [obs(i, n0) for i in range(k)]
    s2 = {
        (i, j): statistics.variance([a - b for a, b in zip(first_n0[i], first_n0[j], strict=True)])
        for i in range(k)
        for j in range(k)
        if i != j
    }
    while True:
        means = {}
        for i in alive:
            xs = obs(i, r)
            tier[i].reps = max(tier[i].reps, r)
            means[i] = sum(xs) / r
        keep = []
        for i in alive:
            w = [
                max(0.0, delta / (2 * r) * (h2 * s2[(i, j)] / delta**2 - r))
                for j in alive
                if j != i
            ]
            others = [means[j] for j in alive if j != i]
            if all(means[i] <= x + wi for x, wi in zip(others, w, strict=True)):
                keep.append(i)
        for i in set(alive) - set(keep):
            tier[i].status, tier[i].reason = "eliminated", f"worse {objective} (KN)"
        alive = keep or [min(alive, key=lambda i: means[i])]
        if len(alive) == 1:
            return tier[alive[0]], True
        if r >= max_reps:
            best = min(alive, key=lambda i: means[i])
            for i in alive:
                if i != best:
                    tier[i].status, tier[i].reason = "eliminated", "higher mean at the budget"
            return tier[best], False
        r = min(r + batch, max_reps)


def holm(ev: Evaluator, staffing: Staffing, reps: Sequence[int], alpha: float) -> list[HolmCheck]:
    """One-sided t-tests of every target (H0: the bound is missed), Holm-adjusted."""
    rows = []
    for t in ev.targets:
        xs = [x for x in ev.values(staffing, t.kpi, reps) if not math.isnan(x)]
        ys, q = _signed(t, xs)
        n = len(ys)
        if n < 2:
            p = 1.0
        else:
            mean, sd = statistics.fmean(ys), statistics.stdev(ys)
            if sd == 0:
                p = 0.0 if mean < q else 1.0
            else:
                p = float(stats.t.sf((q - mean) / (sd / math.sqrt(n)), n - 1))
        rows.append((t, mean_ci(xs), p))
    order = sorted(range(len(rows)), key=lambda i: rows[i][2])
    adjusted = [1.0] * len(rows)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(rows) - rank) * rows[i][2]))
        adjusted[i] = running
    return [
        HolmCheck(t, iv, p, adjusted[i], adjusted[i] <= alpha) for i, (t, iv, p) in enumerate(rows)
    ]


def select(
    ev: Evaluator,
    shortlist: Sequence[Staffing],
    objective: str,
    delta: float,
    alpha: float = 0.05,
    first_rep: int = 1000,
    max_reps: int = 30,
    progress: Callable[[str], None] | None = None,
) -> Selection:
    """Choose among ``shortlist`` with probability ≥ 1 − ``alpha`` of a correct choice.

    Args:
        ev: The evaluator (targets; its ``min_reps`` is the first-stage size n0 ≥ 2).
        shortlist: Distinct candidates, as the search ranked them.
        objective: KPI to minimise among the feasible staffings with the fewest officers.
        delta: Indifference zone in the objective's unit.
        alpha: Total error rate (split evenly between feasibility and selection).
        first_rep: First fresh replication number.
        max_reps: Replications at most per candidate.
        progress: Receives a line per stage.
    """
    n0 = max(2, ev.min_reps)
    batch = max(1, ev.backend.workers)
    max_reps = max(max_reps, n0)
    sel = Selection([Entry(s) for s in shortlist], objective, alpha, delta, first_rep)
    if not sel.entries:
        sel.note = "no feasible candidate to select from"
        return sel
    if progress:
        progress(f"feasibility of {len(sel.entries)} candidates on fresh replications")
    _feasibility(ev, sel.entries, alpha / 2, first_rep, n0, batch, max_reps)
    feasible = [e for e in sel.entries if e.status == "feasible"]
    if not feasible:
        why = "; ".join(f"{e.staffing.total} staff: {e.reason}" for e in sel.entries[:3])
        sel.note = f"no shortlisted candidate was confirmed feasible on fresh replications ({why})"
        return _finish(ev, sel, None)
    fewest = min(e.staffing.total for e in feasible)
    tier = [e for e in feasible if e.staffing.total == fewest]
    if len(tier) == 1:
        winner, sel.guarantee = tier[0], True
    else:
        if progress:
            progress(f"KN selection among {len(tier)} staffings of {fewest} officers")
        winner, sel.guarantee = _kn(
            ev, tier, objective, alpha / 2, delta, first_rep, n0, batch, max_reps
        )
    winner.status = "chosen"
    undecided = [e for e in sel.entries if e.status == "undecided"]
    if undecided:
        sel.guarantee = False
        sel.note = f"{len(undecided)} candidate(s) undecided at the budget were not chosen"
    return _finish(ev, sel, winner)


def _finish(ev: Evaluator, sel: Selection, winner: Entry | None) -> Selection:
    for e in sel.entries:
        reps = range(sel.first_rep, sel.first_rep + max(e.reps, 2))
        e.reps = len(reps)
        e.intervals = {
            **ev.intervals(e.staffing, reps),
            sel.objective: mean_ci(ev.values(e.staffing, sel.objective, reps)),
        }
    if winner is not None:
        sel.chosen = winner.staffing
        reps = range(sel.first_rep, sel.first_rep + winner.reps)
        sel.holm = holm(ev, winner.staffing, reps, sel.alpha)
    return sel
