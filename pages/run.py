"""Run page: replications with a progress bar, KPI cards with intervals, charts."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import bilingual_charts, compare, frames, live
from ftztwin.appkit.session import (
    precision,
    remember_run,
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
    st.error("No valid scenario to run; fix it on the Scenario page. 无有效情景，请在情景页修改。")
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
    live.start(ready, "run.last", remember_run)
live.follow_run(ready, "run.last", remember_run)

last = state.get("run.last")
if last is None:
    st.info("No results yet: press Run. 尚无结果，请点击运行。")
    st.stop()
if last.digest != run_digest(scenario):
    st.info(
        "The results below are from an earlier scenario or run settings; press Run to update. "
        "以下结果来自之前的情景或设置。"
    )
st.subheader(f"Results 结果: {last.name} (digest `{last.digest[:12]}`)")
run_cfg = last.scenario.run
st.caption(
    f"{len(last.results)} replications × {run_cfg.horizon_h:g} h, warm-up {run_cfg.warmup_h:g} h; "
    "mean with 95% confidence interval over replications (n beside each) 均值及95%置信区间."
)
share = last.summary.get("unfinished_share")
if share is not None:
    st.markdown(
        f"**Share unfinished 未完成比例: {compare.format_iv('unfinished_share', share)}** — "
        "trucks still inside when the run stopped; their clearance times count as lower bounds."
    )
# The same warnings the CLI prints and the report lists (unfinished trucks above the
# threshold, stalled resources, set-ups that drop or delay work): never silent here either.
for warning in last.warnings:
    st.warning(warning, icon="⚠️")

prev = state.get("run.prev")
cards = frames.cards(last.summary)
deltas = frames.card_deltas(prev, last) if prev is not None else {}
cols = st.columns(3)  # three a row: a bilingual label and its value fit uncut
for i, card in enumerate(cards):
    with cols[i % 3]:
        delta = deltas.get(card.kpi)
        st.metric(
            card.label, card.value, delta=delta.text if delta else None,
            delta_color=delta.color if delta else "normal", help=card.interval, border=True,
        )  # fmt: skip
        st.caption(card.interval)
warnings = compare.precision_warnings([last], [c.kpi for c in cards], precision(), [last.name])
if warnings:
    st.warning(
        f"Too few replications for ±{precision():.0%} (sidebar) 重复次数不足:\n\n"
        + "\n".join(f"- {w}" for w in warnings),
        icon="⚠️",
    )

st.subheader("Change since the previous run 与上次运行相比")
if prev is None:
    st.caption("This is the first run of the session: nothing to compare with yet.")
else:
    st.caption(
        f"Previous run: **{prev.name}** (digest `{prev.digest[:12]}`); differences are paired "
        "by replication (the same random numbers when the seed is the same)."
    )
    kpis = [c.kpi for c in cards]
    st.dataframe(
        compare.comparison_frame([prev, last], kpis, ["previous 上次", "this run 本次"]),
        hide_index=True,
    )
    changed = compare.what_changed(prev.scenario, last.scenario, values_only=True)
    with st.expander(f"{len(changed)} inputs changed 输入变化"):
        st.dataframe(changed, hide_index=True)

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
    st.image(
        bilingual_charts.clearance_png(times, last.summary),
        caption="clearance-time distribution 通关时间分布",
    )
    st.caption(
        "Histogram from replication 1; lines are the means over all replications. 直方图取第1次重复。"
    )
with tabs[1]:
    queues = frames.queue_over_time(last.events)
    st.image(bilingual_charts.queues_png(queues), caption="queue over time per gate 各卡口排队")
    st.caption("Trucks waiting for a lane (卡口排队), longest per 10 minutes, replication 1.")
with tabs[2]:
    st.image(
        bilingual_charts.utilisation_png(frames.role_utilisation(last.summary), len(last.results)),
        caption="staff utilisation per role 各岗位人员利用率",
    )
with tabs[3]:
    credit = frames.credit_class_frame(last.summary, last.events, warmup_s, horizon_s)
    st.image(
        bilingual_charts.credit_png(credit),
        caption="inspection and hit rates by credit class 信用等级",
    )
    st.dataframe(frames.credit_display_frame(credit), hide_index=True)
with tabs[4]:
    st.dataframe(frames.summary_display_frame(last.summary), hide_index=True, height=400)
