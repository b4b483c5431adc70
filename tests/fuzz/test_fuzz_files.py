"""Hostile scenario and sweep files: a clear refusal or a sane acceptance, in bounded time.

Every generated file goes through what a user runs (``ftztwin validate``, the sweep
loader) under a CPU-time and memory bound; a file accepted must describe something the
twin can finish: finite numbers, bounded horizon, traffic and lanes, staff on duty where
work goes, a sweep no larger than its limit.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftz_spec import Scenario, load_scenario
from ftz_spec.errors import UserError
from ftztwin.cli import main
from ftztwin.sweep import load_sweep
from ftztwin.sweep.spec import DEFAULT_MAX_POINTS
from tests.conftest import MINIMAL
from tests.fuzz.bounds import Tally, bounded
from tests.fuzz.strategies import scenario_text, sweep_text

EXAMPLES = int(os.environ.get("FTZ_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in _numbers(v)]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return [float(value)]
    return []


def sane_scenario(s: Scenario) -> str:
    """What is nonsense about an accepted scenario (``""`` if nothing)."""
    if not all(math.isfinite(x) for x in _numbers(s.model_dump(mode="python"))):
        return "a number is not finite"
    if not 0 < s.run.horizon_h <= 366 * 24 or s.run.replications > 1_000:
        return f"run too long: {s.run.horizon_h} h x {s.run.replications}"
    u = s.uncertainties
    if u.traffic_scale > 100 or any(f.trucks_per_day > 1e5 for f in u.flows):
        return "traffic without bound"
    if any(g.lanes > 64 for g in s.site.gates):
        return "lanes without bound"
    for zone in {g.zone for g in s.site.gates}:
        for role in ("gate", "document_review", "inspection"):
            pools = [
                p
                for p in s.site.staff_pools
                if p.role.value == role
                and p.count > 0
                and (p.zone is None or p.zone == zone or zone in p.also_serves)
            ]
            if not pools:
                return f"nobody for {role} in {zone}"
    return ""


def _validate(path: Path) -> Scenario | None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["validate", str(path)])
    text = out.getvalue()
    if code == 2:
        if "Traceback" in text or not text.startswith("error: "):
            raise AssertionError(f"refusal without a clear message: {text[:300]!r}")
        if any(len(line) > 1_200 for line in text.splitlines()):
            raise AssertionError(f"message line past 1,200 characters: {text[:200]!r}...")
        return None
    if code != 0:
        raise AssertionError(f"exit code {code}")
    return load_scenario(path)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def test_hostile_scenario_files_are_refused_clearly_or_accepted_sane_in_bounded_time():
    tally = Tally("scenario files")

    @FUZZ
    @given(scenario_text, st.booleans())
    def one(text: str, via_extends: bool) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _write(folder, "base.yaml", MINIMAL)
            if via_extends:  # the hostile file overrides a valid base
                path = _write(folder, "s.yaml", "extends: base.yaml\n" + text)
            else:
                path = _write(folder, "s.yaml", text)
            bounded(tally, text[:300], lambda: _validate(path), sane_scenario)

    one()
    tally.report()
    assert tally.tried >= min(EXAMPLES, 2_000) * 0.95, tally
    assert tally.clean, tally.examples


def sane_sweep(got: Any) -> str:
    spec, _base = got
    if spec.size() > DEFAULT_MAX_POINTS:
        return f"{spec.size()} points accepted"
    for f in spec.factors():
        if f.levels is None and not (math.isfinite(f.low) and math.isfinite(f.high)):
            return "a range that is not finite"
    return ""


def _load_sweep(path: Path) -> Any:
    try:
        return load_sweep(path)
    except UserError as exc:
        text = str(exc)
        if any(len(line) > 1_200 for line in text.splitlines()):
            raise AssertionError(f"message line past 1,200 characters: {text[:200]!r}") from None
        return None


def test_hostile_sweep_files_are_refused_clearly_or_accepted_sane_in_bounded_time():
    tally = Tally("sweep files")

    @FUZZ
    @given(sweep_text)
    def one(text: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            _write(folder, "base.yaml", MINIMAL)
            path = _write(folder, "sweep.yaml", text)
            bounded(tally, text[:300], lambda: _load_sweep(path), sane_sweep)

    one()
    tally.report()
    assert tally.tried >= min(EXAMPLES, 2_000) * 0.95, tally
    assert tally.clean, tally.examples


def _numeric_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _numeric_paths(v, (*prefix, k))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _numeric_paths(v, (*prefix, i))]
    return [prefix] if isinstance(doc, int | float) and not isinstance(doc, bool) else []


_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 1e6),
    st.integers(-10, 10**6),
    st.sampled_from([0, 0.0, 1e-300, 1e40, 1e5, 64, 65, 8784, 8785]),
)


def _run_accepted(text: str, folder: Path) -> Any:
    from core.trace import Recorder
    from ftz_spec import parse_scenario
    from twin.model import Twin

    path = _write(folder, "s.yaml", text)
    scenario = _validate(path)
    if scenario is None:
        return None
    # What was accepted runs in the twin (capped at 4 simulated hours: the horizon's
    # own bound is checked by sane_scenario); it must finish without an exception.
    data = scenario.model_dump(mode="json")
    data["run"]["horizon_h"] = min(4.0, data["run"]["horizon_h"])
    data["run"]["warmup_h"] = min(data["run"]["warmup_h"], data["run"]["horizon_h"] / 2)
    twin = Twin(parse_scenario(data, "fuzz"), 0, Recorder([]))
    twin.run()
    twin.extra_kpis()
    return scenario


@pytest.mark.slow
def test_scenarios_accepted_after_numeric_mutations_run_in_the_twin_to_the_end():
    import yaml
    from hypothesis.strategies import DrawFn, composite

    base = yaml.safe_load(MINIMAL)
    paths = _numeric_paths(base)
    tally = Tally("accepted scenarios run in the twin")

    @composite
    def mutant(draw: DrawFn) -> str:
        doc = base
        from tests.fuzz.strategies import _set

        for _ in range(draw(st.integers(1, 3))):
            doc = _set(doc, draw(st.sampled_from(paths)), draw(_NUMBERS))
        return yaml.safe_dump(doc, sort_keys=False)

    @settings(FUZZ, max_examples=max(EXAMPLES // 10, 50))
    @given(mutant())
    def one(text: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            bounded(tally, text[-300:], lambda: _run_accepted(text, Path(tmp)), sane_scenario, 60.0)

    one()
    tally.report()
    assert tally.accepted > 20, tally
    assert tally.clean, tally.examples
