"""Map and monitoring page: the four zones with gate and scanner load; a replay of the
central-monitoring view (中央监控平台) from a run's event log."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import charts, frames, monitor
from ftztwin.appkit.session import settings_sidebar, working

settings_sidebar()
st.title("Map & monitoring 地图与中央监控")
state = st.session_state
last = state.get("run.last")
scenario = last.scenario if last is not None else working()
if scenario is None:
    st.error("No valid scenario; fix it on the Scenario page.")
    st.stop()

left, right = st.columns([3, 2])
if last is None:
    st.info("Run a scenario on the Run page to see gate and scanner load on the map.")
    loads = None
else:
    loads = frames.gate_load_frame(last.summary, last.scenario)
with left:
    load = frames.map_load(loads) if loads is not None else None
    st.pyplot(charts.fig_map(scenario, load), alt="map of the four zones")
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
except (KeyError, TypeError, ValueError) as exc:  # a log with the right columns but odd rows
    st.error(f"{source}: cannot replay this log ({exc!r}).")
    st.stop()
m1, m2, m3 = st.columns(3)
m1.metric("Trucks in the zones 区内车辆", snap.in_system, border=True)
m2.metric("Trucks queued at gates 排队车辆", snap.queued, border=True)
m3.metric("Alarms, last hour 告警", len(snap.alarms), border=True)
a, b = st.columns(2)
with a:
    st.pyplot(charts.fig_queues_now(snap.queues, t), alt="gate queues now")
with b:
    st.markdown("**Device status 设备状态**")
    st.dataframe(snap.devices, hide_index=True)
st.markdown("**Alarms and diversions, last hour 告警与转岗**")
st.dataframe(snap.alarms.head(50), hide_index=True)
