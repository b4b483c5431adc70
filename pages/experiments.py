"""Experiments page: sweeps (grid or Latin hypercube) over chosen levers, the staffing
optimiser; progress with ETA and Stop, results as tables and plots, cached, downloadable."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import experiments, live, staffing
from ftztwin.appkit.session import settings, settings_sidebar, show_problems, working

settings_sidebar()
st.title("Experiments 实验")
state = st.session_state
scenario = working()
if scenario is None:
    st.error("No valid scenario; fix it on the Scenario page.")
    st.stop()
cfg = settings()
live.workers_input(8)
base = live.ready(scenario)
if base is None:
    st.stop()
st.write(
    f"On **{scenario.name}** with the sidebar's horizon {cfg.horizon_h:g} h and warm-up "
    f"{cfg.warmup_h:g} h. Every point runs on common random numbers (replication r uses "
    "the same random streams at every point), in worker processes; a second tab asking "
    "for the same experiment joins it."
)
sweep_tab, staff_tab = st.tabs(["Sweep 参数扫描", "Staffing optimiser 编制优化"])

with sweep_tab:
    choices = {lv.path: lv for lv in experiments.levers(scenario)}
    default = [p for p in choices if p.endswith("[id=insp_ys].count")][:1] or list(choices)[:1]
    picked = st.multiselect(
        "Levers to vary 调整的杠杆", list(choices), default=default,
        format_func=lambda p: choices[p].label, key="exp_levers",
    )  # fmt: skip
    c1, c2, c3, c4 = st.columns(4)
    design = c1.radio(
        "Design 设计", ["grid", "lhs"], horizontal=True, key="exp_design",
        format_func={"grid": "Full grid 全因子", "lhs": "Latin hypercube 拉丁超立方"}.get,
    )  # fmt: skip
    samples = c2.number_input("Points (LHS) 样本点", 2, 200, 6, 1, key="exp_samples")
    reps = c3.number_input("Replications per point 重复次数", 1, 30, 2, 1, key="exp_reps")
    seed = c4.number_input("Design seed 种子", 0, 10_000, 0, 1, key="exp_seed")
    factors = {}
    for path in picked:
        lv = choices[path]
        low0 = max(0.0, round(lv.value * 0.6)) if lv.integer else round(lv.value * 0.8, 3)
        high0 = max(low0 + 1, round(lv.value * 1.4)) if lv.integer else round(lv.value * 1.2, 3)
        a, b, c = st.columns(3)
        step = 1.0 if lv.integer else 0.05
        low = a.number_input(
            f"{lv.label}: low 下限", 0.0, 10_000.0, float(low0), step, key=f"lo:{path}"
        )
        high = b.number_input("high 上限", 0.0, 10_000.0, float(high0), step, key=f"hi:{path}")
        levels = c.number_input("levels (grid) 水平数", 2, 12, 3, 1, key=f"lv:{path}")
        factors[path] = (float(low), float(high), int(levels), lv.integer)
    staff_kpis = [
        f"wait_min_p95[staff/{p.split('[id=')[1].split(']')[0]}]"
        for p in picked if p.startswith("site.staff_pools[")
    ]  # fmt: skip
    kpi_options = list(dict.fromkeys([*experiments.DEFAULT_OUTPUTS, *staff_kpis]))
    outputs = st.multiselect(
        "KPIs in the table 输出指标", kpi_options, default=kpi_options, key="exp_outputs"
    )
    spec = None
    try:
        if picked and outputs:
            spec = experiments.sweep_spec(
                factors, design, int(samples), int(reps), int(seed), outputs
            )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        st.error(f"The sweep does not validate: {exc}")
    if spec is not None:
        n = spec.size()
        st.caption(
            f"{n} points × {int(reps)} replications = {n * int(reps)} runs of {cfg.horizon_h:g} h."
        )
    key = experiments.sweep_key(spec, base) if spec is not None else None
    if st.button("Run the sweep 运行扫描", type="primary", key="exp_run", disabled=spec is None):
        try:
            key, job = experiments.start_sweep(spec, base, state.get("live.workers"))
        except experiments.SweepError as exc:
            show_problems(exc, "The sweep cannot start:")
        else:
            if job is None:
                state["exp.sweep"] = experiments.CACHE.get(key)
            else:
                state["live.watch:exp.sweep"] = key
    live.follow(key, "exp.sweep", lambda job: experiments.CACHE.get(key) if key else None)

    table = state.get("exp.sweep")
    if table is not None:
        st.subheader(
            f"Sweep results 扫描结果 — {table.points} points × {table.replications} replications"
        )
        rows = table.rows
        st.dataframe(rows, hide_index=True, key="exp_table")
        kpi = st.selectbox("KPI to plot 绘图指标", list(rows["kpi"].unique()), key="exp_kpi")
        x = st.selectbox("Along 横轴", list(table.factors), key="exp_x")
        others = [f for f in table.factors if f != x]
        colour = others[0] if others else None
        st.altair_chart(experiments.response_chart(table, kpi, x, colour), key="exp_surface")
        staff_chart = experiments.staff_service_chart(table, kpi)
        if staff_chart is not None:
            st.altair_chart(staff_chart, key="exp_staff_chart")
        st.download_button(
            "Download the sweep table (CSV) 下载", table.csv(), file_name="sweep.csv",
            mime="text/csv", key="exp_download",
        )  # fmt: skip

with staff_tab:
    pools = [p.id for p in scenario.site.staff_pools]
    field = staffing.field_pools(scenario)
    chosen = st.multiselect(
        "Pools to adjust 调整的人员组", pools, default=field[:1], key="opt_pools"
    )
    targets = st.text_area(
        "Targets 服务目标 (one per line)", staffing.default_targets(chosen), key="opt_targets"
    )
    d1, d2, d3 = st.columns(3)
    mode = d1.selectbox("Mode 方式", staffing.MODES, index=0, key="opt_mode")
    trials = d2.number_input("Trials 试验数", 1, 200, 6, 1, key="opt_trials")
    min_reps = d3.number_input("Replications 重复次数", 2, 20, 2, 1, key="opt_reps")
    if st.button("Find the staffing 寻找编制", type="primary", key="opt_run"):
        try:
            request = staffing.study_request(
                targets, chosen, mode, int(trials), int(min_reps), True
            )
        except staffing.UserError as exc:
            show_problems(exc, "The study cannot start:")
        else:
            job = experiments.start_staffing(base, request, state.get("live.workers"))
            state["opt.key"] = job.key
            state["live.watch:opt.study"] = job.key
    opt_key = state.get("opt.key")
    live.follow(opt_key, "opt.study", lambda job: job.result if job is not None else None)
    study = state.get("opt.study")
    if study is not None:
        for line in staffing.study_headline(study):
            st.markdown(line)
        frames = staffing.study_frames(study)
        st.dataframe(frames["targets"], hide_index=True, key="opt_targets_table")
        st.dataframe(frames["pools"], hide_index=True, key="opt_pools_table")
        with st.expander("Service levels, trials 服务水平与试验"):
            st.dataframe(frames["service"], hide_index=True)
            st.dataframe(frames["trials"], hide_index=True)
        for i, (name, (data, mime)) in enumerate(staffing.study_files(study).items()):
            st.download_button(
                f"Download {name}", data, file_name=name, mime=mime, key=f"opt_dl{i}"
            )
