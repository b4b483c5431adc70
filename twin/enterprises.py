"""Enterprises as a Mesa model: credit classes, trade profiles and true behaviour.

The twin knows each enterprise's true propensity to violate; the supervision core does
not. The model is stepped once a simulated day by a SimPy process (SimPy owns time) and
talks to the rest only through :meth:`EnterpriseModel.pick` (who ships next),
:meth:`EnterpriseModel.caught` (an inspection found a violation) and the credit classes
it publishes.
"""

from __future__ import annotations

from collections import deque

import mesa
import numpy as np

from ftz_spec import Enterprises
from ftz_spec.uncertain import CREDIT_CLASSES

__all__ = ["EnterpriseAgent", "EnterpriseModel"]

_YEAR_DAYS = 365
# The credit measures (海关企业信用管理暂行办法, 2014) judge violations against volume: an
# enterprise loses a class when, within a year, customs found more violations than a
# per-mille share of its declarations (at least two). A fixed count would downgrade every
# large trader within days: in a two-week run the dishonest classes' share of declarations
# grew from 4 % to 36 % and the inspection station never settled.
_DOWNGRADE_AFTER = 2  # fewest violations within a year that cost one credit class
_DOWNGRADE_PER_DECLARATION = 0.001  # 1 ‰ of the year's declarations (assumption after the rules)


class EnterpriseAgent(mesa.Agent):
    """One enterprise: what it trades, how it behaves, what customs has found."""

    def __init__(
        self, model: EnterpriseModel, index: int, spec: Enterprises, rng: np.random.Generator
    ) -> None:
        """Draw the enterprise's class, size, profile and true propensity from ``rng``."""
        super().__init__(model)
        self.enterprise_id = f"E{index:05d}"
        mix = spec.credit_mix
        classes = [c for c in CREDIT_CLASSES if c in mix]
        self.credit_class: str = classes[int(rng.choice(len(classes), p=[mix[c] for c in classes]))]
        self.size = float(rng.lognormal(0.0, spec.size_sigma)) if spec.size_sigma > 0 else 1.0
        self.processing = bool(rng.random() < spec.processing_share)
        self.uses_batch = bool(rng.random() < model.batch_share)
        n_ch = int(rng.integers(1, 4))
        self.chapters: tuple[str, ...] = tuple(
            str(c) for c in rng.choice(spec.hs_chapters, size=n_ch, replace=False)
        )
        self.origins: tuple[str, ...] = tuple(
            str(o) for o in rng.choice(spec.origins, size=min(2, len(spec.origins)), replace=False)
        )
        base = spec.violation_propensity.get(self.credit_class, 0.0) * spec.violation_scale
        # Mean-preserving spread: violations concentrate in a few enterprises.
        sigma = spec.propensity_sigma
        self.propensity = float(min(1.0, base * rng.lognormal(-sigma * sigma / 2, sigma)))
        self.violation_chapter: str = self.chapters[int(rng.integers(n_ch))]
        self.found_days: deque[int] = deque()  # days on which customs found a violation
        self.inspected: dict[str, int] = dict.fromkeys(self.chapters, 0)
        self.shipped: dict[str, int] = dict.fromkeys(self.chapters, 0)
        self.adapt_probability = spec.adapt_probability
        self.downgrade_after = _DOWNGRADE_AFTER  # set by the model once sizes are known
        self.daily = 0.0  # expected declarations a day (set by the model, from its size)

    def violation_share(self) -> float:
        """Expected share of the enterprise's declarations that hold a violation.

        Goods are drawn evenly from its chapters and only the violation chapter's hold
        any, so this is that chapter's chance over the number of chapters.
        """
        return self.violation_probability(self.violation_chapter) / len(self.chapters)

    def violation_probability(self, chapter: str) -> float:
        """True chance that a declaration of goods in ``chapter`` holds a violation.

        A violator concentrates its violations on one chapter, so the risk engine has a
        real pattern to learn and the violator a reason to move when it is caught.
        """
        if chapter != self.violation_chapter:
            return 0.0
        return min(1.0, self.propensity * len(self.chapters))

    def step(self) -> None:
        """Apply the credit rules for one day (海关企业信用管理)."""
        today = self.model.day
        while self.found_days and today - self.found_days[0] > _YEAR_DAYS:
            self.found_days.popleft()
        order = list(CREDIT_CLASSES)
        idx = order.index(self.credit_class)
        if len(self.found_days) >= self.downgrade_after and idx < len(order) - 1:
            self.credit_class = order[idx + 1]
            self.model.class_changes += 1
            self.found_days.clear()


class EnterpriseModel(mesa.Model):
    """The population of enterprises of all four zones."""

    def __init__(
        self,
        spec: Enterprises,
        rng: np.random.Generator,
        batch_share: float,
        declarations_per_day: float = 0.0,
    ) -> None:
        """Create ``spec.count`` enterprises from the named stream ``rng``.

        ``declarations_per_day`` (all zones) sets each enterprise's yearly volume by its
        size, and with it how many findings within a year cost it a credit class.
        """
        super().__init__(rng=rng)
        self.day = 0
        self.class_changes = 0
        self.adaptations = 0
        self.batch_share = batch_share
        self._draw = rng
        for i in range(spec.count):
            EnterpriseAgent(self, i, spec, rng)
        self.roster: list[EnterpriseAgent] = sorted(self.agents, key=lambda a: a.unique_id)  # type: ignore[arg-type,return-value]
        self._by_id = {a.enterprise_id: a for a in self.roster}
        sizes = np.array([a.size for a in self.roster])
        self._cum = np.cumsum(sizes / sizes.sum())
        yearly = declarations_per_day * _YEAR_DAYS * sizes / sizes.sum()
        for agent, n in zip(self.roster, yearly, strict=True):
            agent.daily = float(n) / _YEAR_DAYS
            agent.downgrade_after = max(
                _DOWNGRADE_AFTER, int(np.ceil(n * _DOWNGRADE_PER_DECLARATION))
            )
        # Expected violations per day ∝ size × propensity: where true leads point. Not at
        # dishonest enterprises, whose goods are inspected at ≥ 80 % already.
        bad = np.array(
            [a.size * a.propensity * (a.credit_class != "dishonest") for a in self.roster]
        )
        self._bad = np.cumsum(bad / bad.sum()) if bad.sum() > 0 else self._cum

    def pick(self, u: float) -> EnterpriseAgent:
        """Return the enterprise shipping next, chosen by size from a uniform ``u``."""
        i = int(np.searchsorted(self._cum, u, side="right"))
        return self.roster[min(i, len(self.roster) - 1)]

    def pick_violator(self, u: float) -> EnterpriseAgent:
        """Return an enterprise chosen by its expected violations (size × propensity).

        This is what good intelligence points at; the truth never leaves the twin.
        """
        i = int(np.searchsorted(self._bad, u, side="right"))
        return self.roster[min(i, len(self.roster) - 1)]

    def by_id(self, enterprise_id: str) -> EnterpriseAgent:
        """Return the enterprise ``enterprise_id``.

        Raises:
            KeyError: No such enterprise.
        """
        return self._by_id[enterprise_id]

    def inspected(self, agent: EnterpriseAgent, chapter: str) -> None:
        """Note that a shipment of ``agent`` in ``chapter`` was inspected."""
        agent.inspected[chapter] = agent.inspected.get(chapter, 0) + 1

    def caught(self, agent: EnterpriseAgent, u: float) -> None:
        """A violation of ``agent`` was found; it may move to its least-inspected goods."""
        agent.found_days.append(self.day)
        if u < agent.adapt_probability and len(agent.chapters) > 1:
            rates = {
                c: agent.inspected.get(c, 0) / max(agent.shipped.get(c, 0), 1)
                for c in agent.chapters
            }
            others = [c for c in agent.chapters if c != agent.violation_chapter]
            agent.violation_chapter = min(others, key=lambda c: (rates[c], c))
            self.adaptations += 1

    def step(self) -> None:
        """Advance one day: every enterprise applies the credit rules, in id order."""
        self.day += 1
        for agent in self.roster:
            agent.step()
