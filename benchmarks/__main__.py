"""Run every benchmark module and write ``benchmarks/results.json`` and ``results.md``.

Usage: ``python -m benchmarks [NAME ...]`` where NAME filters modules (``risk``, ``gate``).
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    rows = []
    for stem in modules:
        area = stem.removeprefix("bench_")
        if wanted and area not in wanted:
            continue
        print(f"== {area}", flush=True)
        t0 = time.perf_counter()
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
        print(f"   [{time.perf_counter() - t0:.1f} s]", flush=True)
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
