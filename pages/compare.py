"""Compare page: any number of scenarios, KPIs from the catalogue, paired differences."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import bilingual_charts, compare
from ftztwin.appkit.session import (
    load_choice,
    precision,
    run_many,
    scenario_files,
    settings,
    settings_sidebar,
    working,
)

BASELINE, REFORM = "baseline_2013.yaml", "reform_2014.yaml"
EDITED = "✎ the edited scenario (Scenario page) 已修改情景"
CHOICE = "cmp_choice"  # the multiselect's key; "cmp.choice" keeps it across pages

settings_sidebar()
st.title("Compare 对比")
st.caption(
    "Replication r of every scenario uses the same random numbers (common random "
    "numbers), so differences are paired replication by replication; the first scenario "
    "is the reference 参照. `*` marks a difference whose 95% interval excludes zero; "
    "n is the number of replications behind each interval."
)
state = st.session_state
files = scenario_files()
edited = working()
options = [*files, EDITED] if edited is not None else files


def _one_click() -> None:
    # A callback runs before the widgets are drawn, so it may set the widget's value.
    state[CHOICE] = [BASELINE, REFORM]
    state["cmp.go"] = True


# The selection lives under the widget's key, so one edit after another is kept; it is
# copied to "cmp.choice" because Streamlit forgets a widget's state on another page.
if CHOICE not in state:
    remembered = state.get("cmp.choice") or [f for f in (BASELINE, REFORM) if f in files]
    state[CHOICE] = [c for c in remembered if c in options] or options[:2]
elif any(c not in options for c in state[CHOICE]):
    state[CHOICE] = [c for c in state[CHOICE] if c in options]
cfg = settings()

if BASELINE in files and REFORM in files:
    st.button(
        "Baseline 2013 vs reform 2014 基线与改革对比", type="primary", key="cmp_one_click",
        on_click=_one_click,
    )  # fmt: skip
choice = st.multiselect("Scenarios (first = reference) 情景（第一个为参照）", options, key=CHOICE)
state["cmp.choice"] = list(choice)
go = st.button(
    f"Compare ({cfg.replications} replications × {cfg.horizon_h:g} h) 对比", key="cmp_button"
)
if go or state.pop("cmp.go", False):
    if len(choice) < 2:
        st.error("Choose at least two scenarios. 请至少选择两个情景。")
    else:
        scenarios = [load_choice(c, EDITED) for c in choice]
        if all(s is not None for s in scenarios):
            runs = run_many(scenarios)
            if runs is not None:
                labels = [
                    f"✎ {compare.run_label(r)}" if c == EDITED else compare.run_label(r)
                    for c, r in zip(choice, runs, strict=True)
                ]
                state["cmp.last"], state["cmp.labels"] = runs, labels
                # A new comparison starts on the KPIs its inputs' differences point to
                # (an added H986 scanner: that scanner's waits and utilisation).
                have = compare.kpi_choices(runs)
                hint = [
                    k
                    for r in runs[1:]
                    for k in compare.suggested_kpis(runs[0].scenario, r.scenario, have)
                ]
                # Of those, the one these replications show moving most clearly.
                moved = (
                    [p.kpi for r in runs[1:] for p in compare.moved_most(runs[0], r, 1, hint)]
                    if hint
                    else []
                )
                state["cmp_kpi"] = (moved or hint or ["clearance_time_min_mean"])[0]
                state["cmp_kpis"] = list(dict.fromkeys([
                    *(k for k in compare.COMPARE_KPIS if k in have), *hint,
                ]))  # fmt: skip

runs = state.get("cmp.last")
if not runs:
    st.info("No comparison yet. 尚无对比结果。")
    st.stop()
labels = state.get("cmp.labels") or [compare.run_label(r) for r in runs]
st.subheader(" vs ".join(labels))

st.markdown(
    "**Unfinished trucks 未完成车辆** — clearance times of unfinished trucks are censored (lower bounds)."
)
st.dataframe(compare.unfinished_frame(runs, labels), hide_index=True)

have = compare.kpi_choices(runs)
if state.get("cmp_kpi") not in have:
    state["cmp_kpi"] = "clearance_time_min_mean" if "clearance_time_min_mean" in have else have[0]
if "cmp_kpis" not in state:
    state["cmp_kpis"] = state.get("cmp.kpis") or [k for k in compare.COMPARE_KPIS if k in have]
state["cmp_kpis"] = [k for k in state["cmp_kpis"] if k in have]
table_kpis = st.multiselect(
    "KPIs in the table (from the KPI catalogue) 表中指标（指标目录）",
    have,
    key="cmp_kpis",
    format_func=compare.kpi_label,
)
state["cmp.kpis"] = list(table_kpis)
kpi = st.selectbox(
    "KPI to chart and rank 图表与排名指标", have, key="cmp_kpi", format_func=compare.kpi_label
)
with st.expander("KPI catalogue entries 指标目录说明"):
    st.dataframe(compare.catalogue_frame(list(dict.fromkeys([kpi, *table_kpis]))), hide_index=True)

warnings = compare.precision_warnings(
    runs, list(dict.fromkeys([kpi, *table_kpis])), precision(), labels
)
if warnings:
    st.warning(
        f"Too few replications for ±{precision():.0%} (sidebar) 重复次数不足:\n\n"
        + "\n".join(f"- {w}" for w in warnings),
        icon="⚠️",
    )
table = compare.comparison_frame(runs, table_kpis or [kpi], labels)
st.dataframe(table, hide_index=True, height=35 * (len(table) + 1) + 3)

left, right = st.columns(2)
with left:
    st.image(
        bilingual_charts.comparison_png(compare.long_frame(runs, [kpi]), kpi, labels),
        caption=f"{compare.kpi_label(kpi)} — mean with 95% CI per scenario 各情景均值",
    )
with right:
    st.image(
        bilingual_charts.paired_diffs_png(compare.diff_frame(runs, kpi), kpi, labels[1:]),
        caption=f"Paired difference from {labels[0]} 与参照的配对差",
    )

st.subheader("Ranking 排名")
better = compare.describe_better(kpi)
st.caption(f"On {compare.kpi_label(kpi)}: {better}.")
st.dataframe(compare.ranking_frame(runs, kpi, labels), hide_index=True)

st.subheader("What changed 变化了什么")
st.caption(
    "Any two of the compared scenarios: the inputs that differ after `extends:` merging "
    "(as `ftztwin diff` prints them, with both sources; UNMARKED: no source), and the "
    "KPIs whose paired difference excludes zero."
)
a_col, b_col = st.columns(2)
idx = list(range(len(runs)))
ia = a_col.selectbox("A", idx, index=0, key="cmp_diff_a", format_func=lambda i: labels[i])
ib = b_col.selectbox(
    "B", idx, index=min(1, len(runs) - 1), key="cmp_diff_b", format_func=lambda i: labels[i]
)
values_only = st.checkbox(
    "Values only (hide paths where only the source differs) 仅数值", key="cmp_values_only"
)
if ia == ib:
    st.info("Choose two different scenarios. 请选择两个不同的情景。")
else:
    changed = compare.what_changed(runs[ia].scenario, runs[ib].scenario, values_only)
    st.write(f"**{len(changed)}** input differences 输入差异, {labels[ia]} → {labels[ib]}")
    st.dataframe(changed, hide_index=True)
    moved = compare.moved_frame(runs[ia], runs[ib])
    st.write(f"**{len(moved)}** KPIs moved (95% CI excludes 0) 显著变化的指标")
    st.dataframe(moved, hide_index=True)
