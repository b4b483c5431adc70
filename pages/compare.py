"""Compare page: two or more scenarios side by side, paired differences with intervals."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import charts, compare
from ftztwin.appkit.session import (
    load_choice,
    run_many,
    scenario_files,
    settings,
    settings_sidebar,
    working,
)

BASELINE, REFORM = "baseline_2013.yaml", "reform_2014.yaml"
EDITED = "✎ the edited scenario (Scenario page)"

settings_sidebar()
st.title("Compare 对比")
st.caption(
    "Replication r of every scenario uses the same random numbers (common random "
    "numbers), so differences are paired replication by replication; the first scenario "
    "is the reference. `*` marks a difference whose 95% interval excludes zero."
)
state = st.session_state
files = scenario_files()
options = [*files, EDITED] if working() is not None else files
if "cmp.choice" not in state:
    state["cmp.choice"] = [f for f in (BASELINE, REFORM) if f in files] or files[:2]
cfg = settings()

one_click = BASELINE in files and REFORM in files
if one_click and st.button(
    "Baseline 2013 vs reform 2014 基线与改革对比", type="primary", key="cmp_one_click"
):
    state["cmp.choice"] = [BASELINE, REFORM]
    state["cmp.go"] = True
# No widget key: the default is the remembered choice, which the one-click button sets.
choice = st.multiselect(
    "Scenarios (first = reference) 情景",
    options,
    default=[c for c in state["cmp.choice"] if c in options],
)
state["cmp.choice"] = choice
go = st.button(
    f"Compare ({cfg.replications} replications × {cfg.horizon_h:g} h) 对比", key="cmp_button"
)
if go or state.pop("cmp.go", False):
    if len(choice) < 2:
        st.error("Choose at least two scenarios.")
    else:
        scenarios = [load_choice(c, EDITED) for c in choice]
        if all(s is not None for s in scenarios):
            runs = run_many(scenarios)
            if runs is not None:
                state["cmp.last"] = runs

runs = state.get("cmp.last")
if not runs:
    st.info("No comparison yet.")
    st.stop()
st.subheader(" vs ".join(compare.run_label(r) for r in runs))
table = compare.comparison_frame(runs)
st.dataframe(table, hide_index=True, height=35 * (len(table) + 1) + 3)
kpis = list(table["KPI"])
kpi = st.selectbox("KPI to chart 指标", kpis, key="cmp_kpi")
left, right = st.columns(2)
with left:
    st.pyplot(charts.fig_comparison(compare.long_frame(runs), kpi), alt=f"{kpi} per scenario")
with right:
    st.pyplot(
        charts.fig_paired_diffs(compare.diff_frame(runs, kpi), kpi),
        alt=f"paired difference in {kpi}",
    )

st.subheader("Inputs that differ 输入差异")
values_only = st.checkbox(
    "Values only (hide paths where only the source differs) 仅数值", key="cmp_values_only"
)
inputs = compare.inputs_frame(runs, values_only)
st.caption(
    f"{len(inputs)} differences from {compare.run_label(runs[0])}, path by path, with both "
    "values and their sources (as `ftztwin diff` prints them; UNMARKED: no source)."
)
st.dataframe(inputs, hide_index=True)
