"""Staffing page: staff per role against the plan, utilisation and service, moving staff."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import charts, compare, staffing
from ftztwin.appkit.scenarios import ScenarioError, parse_scenario
from ftztwin.appkit.session import (
    run_many,
    run_with_progress,
    settings_sidebar,
    show_problems,
    working,
)

settings_sidebar()
st.title("Staffing 人员编制")
st.caption(
    "The reform plan (机构人员重组): 403 → 503 staff; support 35 → 20; document review and "
    "gate 183 → 143; support : functional : field ≈ 5 : 20 : 75. About 40 people move "
    "from documents and gates to inspection and risk analysis."
)
state = st.session_state
scenario = working()
if scenario is None:
    st.error("No valid scenario; fix it on the Scenario page.")
    st.stop()
st.write(f"Scenario **{scenario.name}** (the working scenario of the Scenario page).")

groups = staffing.group_frame(scenario)
left, right = st.columns([3, 2])
with left:
    st.markdown("**Against the plan's figures 对照改革方案**")
    st.dataframe(staffing.plan_check_frame(scenario), hide_index=True)
    st.dataframe(groups.drop(columns=["group"]), hide_index=True)
with right:
    st.pyplot(charts.fig_staff_groups(groups), alt="staff shares against the plan")
with st.expander("Staff pools 人员分组"):
    st.dataframe(staffing.staff_frame(scenario), hide_index=True)

st.subheader("Utilisation and service levels 利用率与服务水平")
if st.button("Run the staffing check 运行", key="staff_run"):
    result = run_with_progress(scenario)
    if result is not None:
        state["staff.last"] = result
last = state.get("staff.last")
if last is not None:
    st.caption(f"From {last.name} (digest `{last.digest[:12]}`), {len(last.results)} replications.")
    st.dataframe(staffing.service_frame(last.summary, last.scenario), hide_index=True)

st.subheader("Try moving staff 人员调配")
pools = [p.id for p in scenario.site.staff_pools]
c1, c2, c3 = st.columns(3)
src = c1.selectbox("From pool 调出", pools, index=0, key="move_from")
dst = c2.selectbox("To pool 调入", pools, index=len(pools) - 1, key="move_to")
n = c3.number_input("Staff to move 人数", 0, 500, 10, 1, key="move_n")
if st.button("Run both and compare 对比", key="move_button"):
    try:
        moved = parse_scenario(
            staffing.move_staff(scenario.model_dump(mode="json"), src, dst, int(n)), "staff move"
        )
    except ScenarioError as exc:
        show_problems(exc, "That move does not give a valid scenario:")
    else:
        runs = run_many([scenario, moved])
        if runs is not None:
            state["staff.move"] = runs
runs = state.get("staff.move")
if runs:
    kpis = [
        "clearance_time_min_mean",
        "clearance_time_min_p95",
        *(k for k in runs[0].summary if k.startswith("utilisation[role=")),
        *(k for k in runs[0].summary if k.startswith("wait_min_mean[staff/")),
    ]
    st.dataframe(compare.comparison_frame(runs, kpis), hide_index=True)
    st.dataframe(staffing.group_frame(runs[1].scenario).drop(columns=["group"]), hide_index=True)
