"""Flat memory and flat cost: a day against a week, and ten replications in one process.

Every figure comes from a fresh child process (:mod:`benchmarks.probe`), so neither the
runner's own objects nor other work on the machine enters them. CPU time, not wall.

- resident set after a 7-day run ÷ after a 1-day run (goal ≤ 1.10);
- CPU per truck over 168 h ÷ over 24 h (goal ≤ 1.10: the cost of a truck does not grow
  with the run);
- the resident set after the 10th of ten short replications in a row ÷ after the 3rd
  (the first ones warm caches and lazy imports): nothing of one replication survives
  into the next (goal ≤ 1.05).
"""

from __future__ import annotations

from benchmarks.harness import Result
from benchmarks.probe import probe


def day_week() -> dict[str, float]:
    """RSS and CPU per truck of a 24 h and a 168 h run of reform_2014."""
    day, week = probe(24.0)["replications"][0], probe(168.0)["replications"][0]
    return {
        "day_rss_mb": day["rss_mb"],
        "week_rss_mb": week["rss_mb"],
        "day_peak_mb": day["peak_mb"],
        "week_peak_mb": week["peak_mb"],
        "rss_ratio": week["rss_mb"] / day["rss_mb"],
        "peak_ratio": week["peak_mb"] / day["peak_mb"],
        "day_cpu_s": day["cpu_s"],
        "week_cpu_s": week["cpu_s"],
        "cpu_per_truck_ratio": (week["cpu_s"] / week["trucks"]) / (day["cpu_s"] / day["trucks"]),
        "week_trucks": week["trucks"],
    }


def repeated(replications: int = 10, horizon_h: float = 2.0) -> dict[str, float]:
    """RSS after each of ``replications`` short replications in one child process."""
    reps = probe(horizon_h, replications)["replications"]
    rss = [r["rss_mb"] for r in reps]
    return {"rss_mb": rss, "growth_ratio": rss[-1] / rss[min(2, len(rss) - 1)]}  # type: ignore[dict-item]


def run() -> list[Result]:
    d = day_week()
    r = repeated()
    return [
        Result("memory.rss_week_over_day", d["rss_ratio"], "x", target=1.10, higher_is_better=False,
               note=f"RSS after the run, GC'd: {d['day_rss_mb']:.0f} MB (24 h) -> {d['week_rss_mb']:.0f} MB (168 h); "
                    f"peak {d['day_peak_mb']:.0f} -> {d['week_peak_mb']:.0f} MB; child process"),
        Result("memory.cpu_per_truck_week_over_day", d["cpu_per_truck_ratio"], "x", target=1.10,
               higher_is_better=False, note=f"CPU per truck, 168 h ÷ 24 h; {d['week_cpu_s']:.1f} s CPU for the week"),
        Result("twin.week_four_zones_cpu_s", d["week_cpu_s"], "s", target=20.0, higher_is_better=False,
               note=f"one replication of reform_2014, 168 h, {d['week_trucks']:.0f} trucks, CPU time of the child"),
        Result("memory.ten_replications_growth", r["growth_ratio"], "x", target=1.05, higher_is_better=False,
               note="RSS after the 10th of ten 2 h replications in one process ÷ after the 3rd: "
                    + ", ".join(f"{x:.0f}" for x in r["rss_mb"]) + " MB"),  # type: ignore[attr-defined]
    ]  # fmt: skip
