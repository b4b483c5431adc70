"""Map and monitoring page: the four zones on a map that needs no internet, with their load;
a replay of the central-monitoring view (中央监控平台) on the map; where trucks wait."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import charts, frames, monitor, waits
from ftztwin.appkit import map as zone_map
from ftztwin.appkit.session import settings_sidebar, working

settings_sidebar()
st.title("Map & monitoring 地图与中央监控")
state = st.session_state
last = state.get("run.last")
scenario = last.scenario if last is not None else working()
if scenario is None:
    st.error("No valid scenario; fix it on the Scenario page.")
    st.stop()

table = waits.wait_table(last.summary, last.scenario) if last is not None else None
focus = st.radio(
    "Map view 地图范围", list(zone_map.FOCUS), horizontal=True, key="mon_focus", index=0
)
left, right = st.columns([3, 2])
if last is None:
    st.info("Run a scenario on the Run page to see gate and scanner load on the map.")
    loads = None
else:
    loads = frames.gate_load_frame(last.summary, last.scenario)
with left:
    st.altair_chart(zone_map.map_chart(scenario, table, focus), key="mon_map")
    st.caption(
        "Outlines, gates, roads and the Donghai Bridge (东海大桥) are approximate, from public "
        "maps; drawn without any tile server. Zone fill: work waiting there; circle size: "
        "utilisation; circle colour: mean wait (all replications)."
    )
with right:
    st.markdown(f"**Gate and scanner load 卡口与H986负荷** — {scenario.name}")
    if loads is not None:
        st.dataframe(loads, hide_index=True, height=420)

st.subheader("Central monitoring replay 中央监控回放")
upload = st.file_uploader(
    "Replay another event log (CSV from `ftztwin run`, events_repNNN.csv) 导入事件日志",
    type=["csv"],
    key="mon_upload",
)
if upload is None:
    state.pop("mon.events", None)
else:
    try:
        state["mon.events"] = (upload.name, monitor.read_uploaded_log(upload.getvalue()))
    except ValueError as exc:
        st.error(f"{upload.name}: {exc}. The replay keeps the log it had.")
if "mon.events" in state:
    source, events = state["mon.events"]
    replay_scenario = None  # an uploaded log comes without its scenario
elif last is not None:
    source, events, replay_scenario = f"{last.name}, replication 1", last.events, last.scenario
else:
    st.info("Run a scenario (or upload an event log) to replay the monitoring view.")
    st.stop()

end_h = float(events["time_s"].max()) / 3600.0 if len(events) else 0.0
st.caption(f"Replaying {source}: {len(events):,} records over {end_h:.1f} h.")
t = st.slider("Time (h) 时间", 0.0, max(end_h, 0.25), round(end_h / 2 * 4) / 4, 0.25)
try:
    snap = monitor.snapshot(events, t, scenario=replay_scenario)
    now = waits.waiting_at(events, t)
except (KeyError, TypeError, ValueError) as exc:  # a log with the right columns but odd rows
    st.error(f"{source}: cannot replay this log ({exc!r}).")
    st.stop()
m1, m2, m3, m4 = st.columns(4)
m1.metric("Trucks in the zones 区内车辆", snap.in_system, border=True)
m2.metric("Trucks queued at gates 排队车辆", snap.queued, border=True)
m3.metric("Alarms, last hour 告警", len(snap.alarms), border=True)
m4.metric("Work waiting, all resources 全部排队", f"{now['waiting'].sum():.0f}", border=True)
st.altair_chart(
    zone_map.map_chart(scenario, None, focus, replay=now, replay_h=t), key="mon_replay_map"
)
a, b = st.columns(2)
with a:
    st.pyplot(charts.fig_queues_now(snap.queues, t), alt="gate queues now")
with b:
    st.markdown("**Device status 设备状态**")
    st.dataframe(snap.devices, hide_index=True)
st.markdown("**Alarms and diversions, last hour 告警与转岗**")
st.dataframe(snap.alarms.head(50), hide_index=True)

st.subheader("Where trucks wait 车辆在哪里等待")
if table is None or last is None or "mon.events" in state:
    st.info("Run a scenario on the Run page to see waiting at every resource.")
    st.stop()
worst = waits.bottleneck(table)
if worst is None:
    st.success("Nothing waits at any gate, staff pool, inspection bay or scanner in this run.")
else:
    st.markdown(worst.sentence())
office = waits.bottleneck(table, trucks_only=False)
if office is not None and worst is not None and office.resource != worst.resource:
    st.caption(
        f"Most waiting of all, office work included: {office.label} "
        f"({office.queue_len_mean:.2f} items on average; no truck waits for it)."
    )
kinds = st.multiselect(
    "Resources to chart 资源类型",
    list(waits.KIND_LABELS),
    default=list(waits.KIND_LABELS),
    format_func=waits.KIND_LABELS.get,
    key="mon_kinds",
)
shown = table[table["kind"].isin(kinds)]
st.dataframe(
    shown.drop(columns=["zone", "trucks_wait"]),
    hide_index=True,
    column_config={
        "utilisation": st.column_config.NumberColumn("utilisation 利用率", format="percent"),
        "queue_len_mean": st.column_config.NumberColumn("mean waiting 平均排队", format="%.2f"),
        "wait_min_mean": st.column_config.NumberColumn("mean wait (min) 平均等待", format="%.1f"),
        "wait_min_p95": st.column_config.NumberColumn("p95 wait (min)", format="%.1f"),
    },
    key="mon_wait_table",
)
st.caption(
    f"Over all {len(last.results)} replications (95% intervals, clipped at zero); the "
    "bottleneck holds the most work waiting on average (by Little's law, the most waiting "
    "time). The charts below are replication 1 of the event log."
)
top = list(shown["resource"])[:8]  # most work waiting first
queues = waits.queue_series(last.events)
delays = waits.wait_series(last.events)
q_cols = [r for r in top if r in queues.columns]
w_cols = [r for r in top if r in delays.columns]
c1, c2 = st.columns(2)
with c1:
    st.markdown("**Number waiting, longest per 15 min 排队长度**")
    if q_cols:
        st.line_chart(queues[q_cols], x_label="time (h) 时间", y_label="waiting 排队")
with c2:
    st.markdown("**Mean wait of waits ending per 15 min (min) 等待时间**")
    if w_cols:
        st.line_chart(delays[w_cols], x_label="time (h) 时间", y_label="wait (min) 等待")
st.markdown("**How trucks go through: zone → clearance lane (通道) → gate 车辆流向**")
links = waits.flow_links(last.events)
st.pyplot(charts.fig_flow(links), alt="flow of trucks from zone to lane to gate")
st.dataframe(links, hide_index=True, key="mon_flow_table")
