"""Staffing page: staff per role against the plan, service, moving staff, finding the staffing."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import charts, compare, staffing, with_run_settings
from ftztwin.appkit.scenarios import ScenarioError, parse_scenario
from ftztwin.appkit.session import (
    run_many,
    run_with_progress,
    settings,
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

st.subheader("Find the staffing 寻找编制")
st.caption(
    "Officers needed per hour (Erlang-C on the twin's workload), shifts that cover them "
    "(an integer programme), a joint search over the chosen pools on common random "
    "numbers, then ranking and selection on fresh replications: the staffing reported "
    "meets every target and is the best (or within the indifference zone) with "
    "probability ≥ 95%. Runs on the sidebar's horizon and warm-up."
)
field = staffing.field_pools(scenario)
chosen = st.multiselect("Pools to adjust 调整的人员组", pools, default=field[:1], key="study_pools")
targets = st.text_area(
    "Targets 服务目标 (one per line)", staffing.default_targets(chosen), key="study_targets"
)
c1, c2, c3, c4 = st.columns(4)
mode = c1.selectbox("Mode 方式", staffing.MODES, index=0, key="study_mode")
trials = c2.number_input("Trials 试验数", 1, 200, 8, 1, key="study_trials")
reps = c3.number_input("Replications 重复次数", 2, 20, 3, 1, key="study_reps")
partial = c4.checkbox("Allow a partial window", False, key="study_partial")
if st.button("Find the staffing 寻找编制", key="study_button"):
    try:
        ready = with_run_settings(scenario, settings(), f"{scenario.name} with the run settings")
        request = staffing.study_request(targets, chosen, mode, int(trials), int(reps), partial)
    except staffing.UserError as exc:
        show_problems(exc, "The study cannot start:")
    else:
        bar = st.progress(0.0, text="Staffing study")
        try:
            state["staff.study"] = staffing.run_study(
                ready, request, lambda share, text: bar.progress(share, text=text)
            )
        except staffing.UserError as exc:
            show_problems(exc, "The study found no answer:")
        finally:
            bar.empty()
study = state.get("staff.study")
if study is not None:
    for line in staffing.study_headline(study):
        st.markdown(line)
    frames = staffing.study_frames(study)
    st.dataframe(frames["targets"], hide_index=True)
    st.dataframe(frames["pools"], hide_index=True)
    cover = frames["coverage"]
    for pool_id in cover["pool"].unique():
        one = cover[cover["pool"] == pool_id].set_index("hour_of_week")
        st.caption(f"{pool_id}: officers required and on duty, hour by hour over the week")
        st.line_chart(one[["required", "on_duty_found", "on_duty_plan"]])
    with st.expander("Shifts, service levels, plan figures, selection, search"):
        for name in ("shifts", "service", "plan", "selection", "trials"):
            st.dataframe(frames[name], hide_index=True)
    for i, (name, (data, mime)) in enumerate(staffing.study_files(study).items()):
        st.download_button(f"Download {name}", data, file_name=name, mime=mime, key=f"study_dl{i}")
