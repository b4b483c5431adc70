"""Streamlit glue for jobs (:mod:`ftztwin.appkit.jobs`): start or join, progress with ETA, Stop.

A page starts a job (or finds one running under the same key, started by another tab or
session, and joins it instead of starting another) and shows its bar, with the ETA, and a
Stop button until it ends; the result then comes from the shared store. Stop, in any tab,
ends the job's worker processes; every tab then shows "Stopped" and no bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ftz_spec import Scenario, digest
from ftz_spec.errors import ScenarioError, UserError
from ftztwin.appkit.jobs import REGISTRY, Job, default_workers
from ftztwin.appkit.runs import RunResult, start_run, with_run_settings
from ftztwin.appkit.session import settings, show_problems, store

__all__ = ["follow", "follow_run", "ready", "start", "workers_input"]

_POLL_S = 0.5


def workers_input(tasks: int) -> int:
    """Sidebar input for worker processes (results never depend on it); warms them up."""
    state = st.session_state
    default = state.get("live.workers", default_workers(tasks))
    st.sidebar.number_input(
        "Worker processes 工作进程", min_value=1, max_value=16, value=int(default), step=1,
        key="w:live.workers",
        help="Replications run in parallel in this many processes; the results are the "
        "same for any number.",
    )  # fmt: skip
    state["live.workers"] = int(state["w:live.workers"])
    REGISTRY.warm(state["live.workers"])
    return int(state["live.workers"])


def ready(scenario: Scenario) -> Scenario | None:
    """``scenario`` with the sidebar's run settings; None (problems shown) if they misfit."""
    try:
        return with_run_settings(scenario, settings(), f"{scenario.name} with the run settings")
    except ScenarioError as exc:
        show_problems(exc, "The run settings do not fit this scenario:")
        return None


def _keeper(target: str, keep: Callable[[Any], None] | None) -> Callable[[Any], None]:
    """How a result is kept: ``keep``, or simply put under ``target``.

    The Run page passes its remember-the-previous-run, so "change since the previous run"
    works with shared runs too.
    """
    if keep is not None:
        return keep

    def put(result: Any) -> None:
        st.session_state[target] = result

    return put


def start(scenario: Scenario, target: str, keep: Callable[[Any], None] | None = None) -> None:
    """Run ``scenario`` (run settings applied) in worker processes, or join that run.

    A result already in the shared store is kept (under ``target``, or by ``keep``) at once.
    """
    cached = store().get(digest(scenario))
    if cached is not None:
        _keeper(target, keep)(cached)
        return
    job = start_run(store(), scenario, st.session_state.get("live.workers"))
    st.session_state[f"live.watch:{target}"] = job.key


def follow(
    key: str | None,
    target: str,
    result_of: Callable[[Job | None], Any],
    keep: Callable[[Any], None] | None = None,
) -> None:
    """While the job under ``key`` runs, show its bar and Stop; then put its result under ``target``.

    A job that another tab or session started counts as this tab's too: the bar shows
    here and so does the result. The page waits on the job in place, redrawing the bar
    twice a second; any click (Stop included) interrupts the wait at the next redraw, as
    Streamlit reruns a page, and the rerun then finds the job still running or stopped.
    A failed job shows its error once and is forgotten.
    """
    state = st.session_state
    watch = f"live.watch:{target}"
    if state.pop(f"live.stopped:{target}", False):
        st.info("Stopped: the worker processes were ended; no result was kept. 已停止")
    job = REGISTRY.get(key) if key else None
    if key and job is not None and job.status == "running":
        state[watch] = key
        stop = st.button(
            "Stop 停止", key=f"stop:{target}", help="End the worker processes of this run"
        )
        if stop:
            REGISTRY.stop(key)
            state.pop(watch, None)
            # Rerun so that this page is drawn without the bar or the Stop button.
            state[f"live.stopped:{target}"] = True
            st.rerun()
        bar = st.empty()
        while not job.wait(_POLL_S):
            bar.progress(job.share, text=job.progress_text())
        bar.empty()
    if not key or state.get(watch) != key:
        return
    state.pop(watch, None)
    if job is not None and job.status == "stopped":
        st.info("Stopped (in this or another tab): no result was kept. 已停止")
    elif job is not None and job.status == "failed":
        err = job.error
        if isinstance(err, UserError):
            show_problems(err, "The run could not finish:")
        else:
            st.error(f"The run failed: {err!r}. The last good results are kept.")
        REGISTRY.clear(key)
    else:
        got = result_of(job)
        if got is not None:
            _keeper(target, keep)(got)


def follow_run(
    scenario: Scenario | None, target: str, keep: Callable[[Any], None] | None = None
) -> None:
    """:func:`follow` for a scenario's run: its result comes from the shared store."""
    key = digest(scenario) if scenario is not None else None

    def result_of(job: Job | None) -> RunResult | None:
        found = store().get(key) if key else None
        return found if found is not None else (job.result if job is not None else None)

    follow(key, target, result_of, keep)
