"""Now page (现状推演): the gates' state now, the next hours forecast from it, and what-ifs."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit import nowcast
from ftztwin.appkit.session import settings_sidebar, working

settings_sidebar()
st.title("Now 现状推演")
st.caption(
    "Start the twin from the gates' current state — a live service's GET /state or a "
    "recorded snapshot — and forecast the next hours; compare an action with doing nothing."
)
state = st.session_state
scenario = working()
if scenario is None:
    st.error("No valid scenario; fix it on the Scenario page.")
    st.stop()

source = st.text_input(
    "Snapshot: a file or the live service's URL (http://HOST:PORT/state) 快照来源",
    value=str(nowcast.EXAMPLE),
    key="now_source",
)
upload = st.file_uploader(
    "…or upload a recorded snapshot (JSON) 上传快照", type=["json"], key="now_upload"
)
if st.button("Load the state 读取现状", key="now_load"):
    try:
        state["now.snap"] = (
            nowcast.read_uploaded(upload.getvalue(), upload.name)
            if upload is not None
            else nowcast.load_state(source)
        )
        state.pop("now.forecast", None)
    except nowcast.UserError as exc:
        st.error(f"The snapshot cannot be used: {exc}")

snap = state.get("now.snap")
if snap is None:
    st.info("Load a snapshot to see the gates' state.")
    st.stop()

st.subheader(
    f"State now 当前状态 — {snap.source} snapshot of {snap.site}, {snap.wall_clock or 'n/a'}"
)
st.dataframe(nowcast.state_frame(snap), hide_index=True)
faults = nowcast.fault_frame(snap)
if len(faults):
    st.markdown("**Devices in fault 故障设备**")
    st.dataframe(faults, hide_index=True)

st.subheader("Forecast 预测")
c1, c2, c3 = st.columns(3)
horizon = int(c1.number_input("hours ahead 预测小时", 1, 12, 2, key="now_h"))
reps = int(c2.number_input("replications 重复次数", 2, 100, 5, key="now_reps"))
scale = c3.checkbox("scale arrivals to the last hour 按近一小时到达量缩放", key="now_scale")
levers = st.text_area(
    "What-if levers, one per line (e.g. outage.yangshan_port/h986=2, "
    "site.staff_pools[id=insp_ys].count=+5) 情景措施",
    key="now_levers",
)
if st.button("Forecast 运行预测", key="now_run"):
    try:
        with st.spinner("forecasting…"):
            state["now.forecast"] = nowcast.forecast(
                scenario, snap, horizon, reps, levers.splitlines(), scale
            )
    except nowcast.UserError as exc:
        st.error(f"The forecast cannot run: {exc}")

fc = state.get("now.forecast")
if fc is not None:
    if fc.levers:
        st.markdown(
            f"**Action 措施:** {'; '.join(fc.levers)} — paired with doing nothing (common random numbers)"
        )
    gate = st.selectbox("gate 卡口", sorted(snap.gates), key="now_gate")
    st.pyplot(nowcast.fig_forecast(fc, gate), alt=f"forecast of trucks at {gate}")
    st.markdown("**Trucks at the gate 卡口车辆 (mean, 90% interval)**")
    st.dataframe(nowcast.forecast_frame(fc, "trucks_at_gate"), hide_index=True)
    st.markdown("**Waits by resource 各资源等待 (minutes)**")
    st.dataframe(nowcast.forecast_frame(fc, "wait_min"), hide_index=True)
