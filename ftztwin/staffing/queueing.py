"""Erlang-C staffing of one hour: the fewest officers that meet a waiting rule.

Per hour ``h`` the offered load is the *modified offered load* ``m(h)``: the mean number
of officers busy in the same system with unlimited officers (Jennings, Mandelbaum,
Massey & Whitt 1996). Unlike the pointwise-stationary load ``λ(h)·E[S]`` it carries work
begun in earlier hours into later ones, so the requirement lags the arrival peak by
about a service time, as real queues do. The twin measures ``m(h)`` directly by running
with ample staff (:mod:`~ftztwin.staffing.probe`); here each hour is staffed as an M/M/s
queue with that load (Erlang-C). Trucks in the twin never abandon, so Erlang-A (with
abandonment) would add nothing but a patience parameter nobody has measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["WaitRule", "erlang_c", "mean_wait_s", "servers_needed", "wait_exceeds"]

_MAX_SERVERS = 10_000


@dataclass(frozen=True)
class WaitRule:
    """A per-hour waiting rule: mean wait ≤ ``minutes`` or P(wait > ``minutes``) ≤ ``tail``.

    Attributes:
        minutes: The bound on the wait (minutes).
        tail: None for a bound on the mean wait; else the largest share of tasks that may
            wait longer than ``minutes`` (0.05 for a 95th percentile).
    """

    minutes: float
    tail: float | None = None

    def __str__(self) -> str:
        if self.tail is None:
            return f"mean wait <= {self.minutes:g} min"
        return f"P(wait > {self.minutes:g} min) <= {self.tail:g}"

    def met(self, servers: int, load: float, service_s: float) -> bool:
        """Whether ``servers`` officers meet the rule at offered ``load`` (Erlangs)."""
        if self.tail is None:
            return mean_wait_s(servers, load, service_s) <= self.minutes * 60.0
        return wait_exceeds(servers, load, service_s, self.minutes * 60.0) <= self.tail


def erlang_c(servers: int, load: float) -> float:
    """Probability that a task waits in M/M/``servers`` at offered ``load`` (Erlangs).

    Computed through the Erlang-B recursion (stable for thousands of servers); 1 when the
    queue is unstable (``servers <= load``).
    """
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1.0 - b))


def mean_wait_s(servers: int, load: float, service_s: float) -> float:
    """Mean wait (s) in M/M/``servers``: ``C · E[S] / (s − a)``; infinite when unstable."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * service_s / (servers - load)


def wait_exceeds(servers: int, load: float, service_s: float, t_s: float) -> float:
    """P(wait > ``t_s``) in M/M/``servers``: ``C · exp(−(s − a) t / E[S])``."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    return erlang_c(servers, load) * math.exp(-(servers - load) * t_s / service_s)


def servers_needed(load: float, service_s: float, rule: WaitRule) -> int:
    """The fewest officers that meet ``rule`` at offered ``load`` (0 when there is no load).

    Raises:
        ValueError: The service time is not positive while there is load.
    """
    if load <= 1e-9:
        return 0
    if not service_s > 0:
        raise ValueError(f"service time must be positive (got {service_s!r})")
    s = max(1, math.floor(load) + 1)
    while not rule.met(s, load, service_s):
        s += 1
        if s > _MAX_SERVERS:  # pragma: no cover - a load of thousands of Erlangs
            raise ValueError(f"more than {_MAX_SERVERS} officers for a load of {load:g}")
    return s
