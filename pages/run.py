"""Run page: replications with a progress bar, KPI cards with intervals, charts."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import charts, frames, live
from ftztwin.appkit.session import (
    run_digest,
    settings,
    settings_sidebar,
    working,
)

settings_sidebar()
st.title("Run 运行")
state = st.session_state
scenario = working()
if scenario is None:
    st.error("No valid scenario to run; fix it on the Scenario page.")
    st.stop()
if state.get("work.problems"):
    st.warning(
        "The edited scenario has problems (see the Scenario page); the last valid version "
        f"of **{scenario.name}** is used."
    )
cfg = settings()
live.workers_input(cfg.replications)
st.write(
    f"**{scenario.name}** — {scenario.description or ''}  \n"
    f"{cfg.replications} replications × {cfg.horizon_h:g} h, warm-up {cfg.warmup_h:g} h "
    f"(change them in the sidebar). Digest with these settings `{(run_digest(scenario) or '–')[:12]}`."
)
# The run goes to worker processes and is shared with every tab asking for the same
# digest; the bar (with ETA and Stop) follows it until its result lands in run.last.
ready = live.ready(scenario)
run_clicked = st.button(
    f"Run {cfg.replications} replications 运行", type="primary", key="run_button"
)
if run_clicked and ready is not None:
    live.start(ready, "run.last")
live.follow_run(ready, "run.last")

last = state.get("run.last")
if last is None:
    st.info("No results yet: press Run.")
    st.stop()
if last.digest != run_digest(scenario):
    st.info("The results below are from an earlier scenario or run settings; press Run to update.")
st.subheader(f"Results: {last.name} (digest `{last.digest[:12]}`)")
run_cfg = last.scenario.run
st.caption(
    f"{len(last.results)} replications × {run_cfg.horizon_h:g} h, warm-up {run_cfg.warmup_h:g} h; "
    "mean with 95% confidence interval over replications."
)
# The same warnings the CLI prints and the report lists (unfinished trucks above the
# threshold, stalled resources, set-ups that drop or delay work): never silent here either.
for warning in last.warnings:
    st.warning(warning, icon="⚠️")

cols = st.columns(4)
for i, card in enumerate(frames.cards(last.summary)):
    with cols[i % 4]:
        st.metric(card.label, card.value, help=card.interval, border=True)
        st.caption(card.interval)

warmup_s, horizon_s = run_cfg.warmup_h * 3600.0, run_cfg.horizon_h * 3600.0
tabs = st.tabs(
    [
        "Clearance time 通关时间",
        "Queues 排队",
        "Staff utilisation 人员利用率",
        "Credit classes 信用等级",
        "All KPIs 全部指标",
    ]
)
with tabs[0]:
    times = frames.clearance_times(last.events, warmup_s)
    st.pyplot(
        charts.fig_clearance_distribution(times, last.summary), alt="clearance-time distribution"
    )
    st.caption("Histogram from replication 1; lines are the means over all replications.")
with tabs[1]:
    queues = frames.queue_over_time(last.events)
    st.pyplot(charts.fig_queue_over_time(queues), alt="queue over time per gate")
    st.caption("Trucks waiting for a lane (卡口排队), longest per 10 minutes, replication 1.")
with tabs[2]:
    st.pyplot(
        charts.fig_role_utilisation(frames.role_utilisation(last.summary)),
        alt="staff utilisation per role",
    )
with tabs[3]:
    credit = frames.credit_class_frame(last.summary, last.events, warmup_s, horizon_s)
    st.pyplot(charts.fig_credit_classes(credit), alt="inspection and hit rates by credit class")
    st.dataframe(credit.drop(columns=["credit_class"]), hide_index=True)
with tabs[4]:
    st.dataframe(frames.summary_frame(last.summary), hide_index=True, height=400)
