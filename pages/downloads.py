"""Downloads page: KPIs and the event log as CSV, the resolved scenario as YAML, charts as PNG."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import bilingual_charts, charts, compare, frames
from ftztwin.appkit.scenarios import canonical_yaml
from ftztwin.appkit.session import settings_sidebar

settings_sidebar()
st.title("Downloads 下载")
state = st.session_state
last = state.get("run.last")
if last is None:
    st.info("Nothing to download yet: run a scenario on the Run page. 尚无可下载内容。")
    st.stop()

stem = f"{last.name}_{last.digest[:8]}"
st.write(f"From the last run 最近一次运行: **{last.name}** (digest `{last.digest[:12]}`).")
st.subheader("Data 数据")
c1, c2 = st.columns(2)
c1.download_button(
    "KPIs per replication (CSV) 各次重复指标",
    frames.replications_frame(last.results).to_csv(index=False),
    f"{stem}_kpis.csv",
    "text/csv",
    key="dl_kpis",
)
c1.download_button(
    "KPI summary, mean and 95% CI (CSV) 指标汇总",
    frames.summary_frame(last.summary).to_csv(index=False),
    f"{stem}_kpi_summary.csv",
    "text/csv",
    key="dl_summary",
)
c2.download_button(
    "Event log, replication 1 (CSV) 事件日志",
    last.events_csv,
    f"{stem}_events_rep000.csv",
    "text/csv",
    key="dl_events",
)
c2.download_button(
    "Resolved scenario (YAML) 情景文件",
    f"# sha256: {last.digest}\n" + canonical_yaml(last.scenario),
    f"{stem}.resolved.yaml",
    "application/yaml",
    key="dl_yaml",
)
runs = state.get("cmp.last")
if runs:
    c1.download_button(
        "Last comparison (CSV) 对比",
        compare.long_frame(runs).to_csv(index=False),
        "comparison.csv",
        "text/csv",
        key="dl_compare",
    )

st.subheader("Charts (PNG) 图表")
run_cfg = last.scenario.run
warmup_s, horizon_s = run_cfg.warmup_h * 3600.0, run_cfg.horizon_h * 3600.0
names_zh = {
    "clearance_time_distribution": "通关时间分布",
    "queue_over_time": "排队随时间",
    "staff_utilisation": "人员利用率",
    "credit_classes": "信用等级",
    "map": "地图",
}
# PNG bytes, drawn only when a button is clicked; the run's charts as the Run page shows
# them (English and Chinese), the map as the Map page draws it.
figures = {
    "clearance_time_distribution": lambda: bilingual_charts.clearance_png(
        frames.clearance_times(last.events, warmup_s), last.summary
    ),
    "queue_over_time": lambda: bilingual_charts.queues_png(frames.queue_over_time(last.events)),
    "staff_utilisation": lambda: bilingual_charts.utilisation_png(
        frames.role_utilisation(last.summary), len(last.results)
    ),
    "credit_classes": lambda: bilingual_charts.credit_png(
        frames.credit_class_frame(last.summary, last.events, warmup_s, horizon_s)
    ),
    "map": lambda: charts.png_bytes(
        charts.fig_map(
            last.scenario, frames.map_load(frames.gate_load_frame(last.summary, last.scenario))
        )
    ),
}
cols = st.columns(3)
for i, (name, make) in enumerate(figures.items()):
    cols[i % 3].download_button(
        f"{name.replace('_', ' ')} {names_zh.get(name, '')} (PNG)",
        make,
        f"{stem}_{name}.png",
        "image/png",
        key=f"dl_png_{name}",
        on_click="ignore",
    )
