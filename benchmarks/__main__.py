"""Run every benchmark module and write ``benchmarks/results.json`` and ``results.md``.

Usage: ``python -m benchmarks [NAME ...]`` where NAME filters modules (``risk``, ``gate``).

Each group prints its wall time and its CPU time (this process and the children it
waited for): on a shared machine the CPU time says what the group cost, the wall time
how long it took among the others. Each group is meant to stay near two minutes.
"""

from __future__ import annotations

import importlib
import json
import platform
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # probes, pools that exited
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str]) -> int:
    wanted = set(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    rows = []
    for stem in modules:
        area = stem.removeprefix("bench_")
        if wanted and area not in wanted:
            continue
        print(f"== {area}", flush=True)
        t0, c0 = time.perf_counter(), _cpu()
        mod = importlib.import_module(f"benchmarks.{stem}")
        for r in mod.run():
            d = r.as_dict()
            d["group"] = area
            rows.append(d)
            flag = {True: "ok", False: "MISSED", None: ""}[r.meets_target]
            tgt = (
                ""
                if r.target is None
                else f" (target {'≥' if r.higher_is_better else '≤'} {r.target:g})"
            )
            print(f"   {r.name:45s} {r.value:14.4g} {r.unit}{tgt} {flag}", flush=True)
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        print(f"   [{wall:.1f} s wall, {cpu:.1f} s CPU]", flush=True)
        for d in rows:
            if d["group"] == area:
                d["group_wall_s"], d["group_cpu_s"] = round(wall, 2), round(cpu, 2)
    meta = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    (HERE / "results.json").write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n")
    lines = [
        "| group | figure | value | unit | target | met | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in rows:
        tgt = (
            ""
            if d["target"] is None
            else f"{'≥' if d['higher_is_better'] else '≤'} {d['target']:g}"
        )
        met = {True: "yes", False: "**no**", None: ""}[d["meets_target"]]
        lines.append(
            f"| {d['group']} | {d['name']} | {d['value']:.4g} | {d['unit']} | {tgt} | {met} | {d['note']} |"
        )
    (HERE / "results.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {HERE / 'results.json'} and results.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
