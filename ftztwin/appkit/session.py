"""Streamlit glue shared by the pages: settings, the working scenario, the cached runner.

Session state holds the working scenario in three forms: ``base`` (the data last loaded
from a file or the YAML editor), ``draft`` (base with the form's widgets applied, maybe
invalid) and ``scenario`` (the last draft that validated). Pages run only validated
scenarios, so an invalid edit shows its problems and leaves the last good results alone.

Environment (for demos and tests): ``FTZTWIN_SCENARIO_DIR`` (scenario folder),
``FTZTWIN_APP_HORIZON_H``, ``FTZTWIN_APP_WARMUP_H``, ``FTZTWIN_APP_REPLICATIONS``
(defaults of the run settings).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ftz_spec import SCHEMA_PATH, Scenario, digest, load_scenario, parse_scenario
from ftz_spec.errors import ScenarioError, UserError
from ftztwin.appkit.form import field_key, form_fields, get_path
from ftztwin.appkit.runs import RunResult, RunSettings, RunStore, with_run_settings

__all__ = [
    "DEFAULT_FILE",
    "load_choice",
    "load_file",
    "precision",
    "refuse_draft",
    "remember_run",
    "run_digest",
    "run_many",
    "run_with_progress",
    "scenario_dir",
    "scenario_files",
    "settings",
    "settings_sidebar",
    "show_problems",
    "store",
    "use_data",
    "working",
]

DEFAULT_FILE = "reform_2014.yaml"
_SETTING_KEYS = ("run.horizon_h", "run.warmup_h", "run.replications")
_PRECISION_KEY = "run.precision_pct"


def scenario_dir() -> Path:
    """Return the folder the app lists and saves scenarios in."""
    env = os.environ.get("FTZTWIN_SCENARIO_DIR")
    return Path(env) if env else SCHEMA_PATH.parent


def scenario_files() -> list[str]:
    """Return the names of the scenario files in :func:`scenario_dir`, sorted."""
    return sorted(p.name for p in scenario_dir().glob("*.yaml"))


@st.cache_resource
def store() -> RunStore:
    """Return the result store shared by every session (results keyed by digest)."""
    return RunStore()


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _persisted_number(label: str, key: str, default: float, **kwargs: Any) -> None:
    """A sidebar number input whose value outlives page switches.

    Streamlit forgets the state of a widget that a page does not draw, and every page
    draws its own copy of these; so the value is kept under ``key`` and the widget
    (under ``w:<key>``) is seeded from it.
    """
    state = st.session_state
    wkey = f"w:{key}"
    st.sidebar.number_input(label, value=state.get(key, default), key=wkey, **kwargs)
    state[key] = state[wkey]


def settings_sidebar() -> None:
    """Draw the run settings in the sidebar; every page calls this first."""
    d = RunSettings(
        _env_float("FTZTWIN_APP_HORIZON_H", RunSettings.horizon_h),
        _env_float("FTZTWIN_APP_WARMUP_H", RunSettings.warmup_h),
        int(_env_float("FTZTWIN_APP_REPLICATIONS", RunSettings.replications)),
    )
    st.sidebar.subheader("Run settings 运行设置")
    _persisted_number(
        "Horizon (h) 仿真时长", _SETTING_KEYS[0], d.horizon_h, min_value=1.0, max_value=168.0,
        step=1.0, help="Simulated hours per replication; a week takes ~15-20 s per replication.",
    )  # fmt: skip
    _persisted_number(
        "Warm-up (h) 预热期", _SETTING_KEYS[1], d.warmup_h, min_value=0.0, max_value=167.0,
        step=0.5, help="Cases arriving before the warm-up are not counted in the KPIs.",
    )  # fmt: skip
    _persisted_number(
        "Replications 重复次数", _SETTING_KEYS[2], d.replications, min_value=1, max_value=30,
        step=1, help="Replication r uses the same random numbers in every scenario (paired).",
    )  # fmt: skip
    _persisted_number(
        "Precision wanted (± % of mean) 期望精度", _PRECISION_KEY, 10.0, min_value=0.5,
        max_value=100.0, step=0.5,
        help="A KPI whose 95% half-width is wider than this share of its mean is flagged, "
        "with the replications that would reach it.",
    )  # fmt: skip


def precision() -> float:
    """The relative half-width the planner asked for (0.10 for ±10%)."""
    return float(st.session_state.get(_PRECISION_KEY, 10.0)) / 100.0


def remember_run(result: RunResult) -> None:
    """Make ``result`` the Run page's last run; the one it replaces becomes the previous.

    Running the same digest again keeps the previous run, so "change since the previous
    run" always compares two different runs.
    """
    state = st.session_state
    last = state.get("run.last")
    if last is not None and last.digest != result.digest:
        state["run.prev"] = last
    state["run.last"] = result


def settings() -> RunSettings:
    """Return the run settings the sidebar shows."""
    d = RunSettings()
    h, w, r = (st.session_state.get(k) for k in _SETTING_KEYS)
    return RunSettings(
        float(h if h is not None else d.horizon_h),
        float(w if w is not None else d.warmup_h),
        int(r if r is not None else d.replications),
    )


def _problem_line(problem: str) -> str:
    path, sep, rest = problem.partition(":")
    return f"- `{path}`:{rest}" if sep else f"- {problem}"


def show_problems(exc: UserError, intro: str = "") -> None:
    """Show a user error inline, one line per problem with its field path."""
    problems = getattr(exc, "problems", None) or [str(exc)]
    where = getattr(exc, "file", "")
    head = intro or (f"Problems in {where}:" if where else "Problems:")
    st.error(head + "\n\n" + "\n".join(_problem_line(p) for p in problems))


def _refill_form(data: dict[str, Any]) -> None:
    """Give the form's widgets the values of a new base.

    In a callback (a file chosen or uploaded), before the widgets are drawn, the values
    are set, which the browser then shows: a widget whose key is only deleted keeps
    showing its old value there. After the widgets are drawn (the YAML editor's button)
    Streamlit refuses a set, and the keys are deleted so the widgets start anew.
    """
    state = st.session_state
    for f in form_fields(data):
        key = field_key(f)
        value = get_path(data, f.path, f.default)
        cast = {"bool": bool, "int": int, "float": float, "text": str}[f.kind]
        try:
            state[key] = cast(value)
        except StreamlitAPIException:
            state.pop(key, None)


def use_data(data: dict[str, Any], source: str, *, as_base: bool) -> ScenarioError | None:
    """Validate ``data`` in one step and make it the draft (and the base if ``as_base``).

    Returns the error when the data does not validate; the last valid scenario stays.
    """
    state = st.session_state
    if as_base:
        state["work.base"] = data
        state["work.source"] = source
        _refill_form(data)
    state["work.draft"] = data
    try:
        scenario = parse_scenario(data, source)
    except ScenarioError as exc:
        state["work.problems"] = list(exc.problems)
        return exc
    state["work.scenario"] = scenario
    state["work.problems"] = []
    return None


def refuse_draft(data: dict[str, Any], source: str, problems: list[str]) -> ScenarioError:
    """Keep ``data`` as the draft with ``problems`` and leave the last valid scenario alone.

    For problems the form finds before validation (a value outside a field's range).
    """
    state = st.session_state
    state["work.draft"] = data
    state["work.problems"] = list(problems)
    return ScenarioError(source, list(problems))


def load_file(name: str) -> ScenarioError | None:
    """Load a scenario file as the new base; on error keep everything as it was."""
    try:
        scenario = load_scenario(scenario_dir() / name)
    except ScenarioError as exc:
        st.session_state["work.file_error"] = exc
        return exc
    st.session_state["work.file_error"] = None
    st.session_state["work.file"] = name
    return use_data(scenario.model_dump(mode="json"), name, as_base=True)


def load_choice(name: str, edited_label: str) -> Scenario | None:
    """Return the working scenario for ``edited_label``, else the file ``name``.

    A file that does not load shows its problems and gives None.
    """
    if name == edited_label:
        return working()
    try:
        return load_scenario(scenario_dir() / name)
    except ScenarioError as exc:
        show_problems(exc, f"Could not load {name}:")
        return None


def working() -> Scenario | None:
    """Return the last valid working scenario, loading the default file on first use."""
    state = st.session_state
    if "work.scenario" not in state:
        state["work.scenario"] = None
        files = scenario_files()
        first = DEFAULT_FILE if DEFAULT_FILE in files else (files[0] if files else None)
        if first is not None:
            load_file(first)
    scenario: Scenario | None = state["work.scenario"]
    return scenario


def run_digest(scenario: Scenario) -> str | None:
    """Return the digest ``scenario`` has with the sidebar's settings (None if they misfit)."""
    try:
        return digest(with_run_settings(scenario, settings()))
    except ScenarioError:
        return None


def run_with_progress(scenario: Scenario, label: str | None = None) -> RunResult | None:
    """Run ``scenario`` with the sidebar's settings (from the store if run before).

    Shows a progress bar while it runs; shows any error inline and returns None, so the
    caller keeps its last good results.
    """
    try:
        ready = with_run_settings(scenario, settings(), f"{scenario.name} with the run settings")
    except ScenarioError as exc:
        show_problems(exc, "The run settings do not fit this scenario:")
        return None
    cached = store().get(digest(ready))
    if cached is not None:
        return cached
    text = label or f"Running {scenario.name}: {ready.run.replications} replications"
    bar = st.progress(0.0, text=text)
    shown = [0.0]

    def progress(share: float) -> None:
        if share - shown[0] >= 0.02 or share >= 1.0:  # a message per 2%, not per tick
            shown[0] = share
            bar.progress(share, text=f"{text} — {share:.0%}")

    try:
        return store().run(ready, progress)
    except UserError as exc:
        show_problems(exc, "The run could not start:")
    except Exception as exc:  # the page must survive a failed run and keep the last results
        st.error(f"The run failed: {exc!r}. The last good results are kept.")
    finally:
        bar.empty()
    return None


def run_many(scenarios: Sequence[Scenario]) -> list[RunResult] | None:
    """Run several scenarios one after another; None if any fails (its error is shown)."""
    out = []
    for i, sc in enumerate(scenarios, 1):
        res = run_with_progress(sc, f"Running {sc.name} ({i} of {len(scenarios)})")
        if res is None:
            return None
        out.append(res)
    return out
