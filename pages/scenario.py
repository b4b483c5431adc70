"""Scenario page: choose a file, change levers and uncertainties, validate, save."""

from __future__ import annotations

import re

import streamlit as st

from ftztwin.appkit.form import apply_values, field_key, form_fields, get_path, problems_for
from ftztwin.appkit.scenarios import (
    ScenarioError,
    canonical_yaml,
    digest,
    dump_draft,
    parse_yaml_text,
)
from ftztwin.appkit.session import (
    load_file,
    scenario_dir,
    scenario_files,
    settings_sidebar,
    show_problems,
    use_data,
    working,
)

settings_sidebar()
st.title("Scenario 情景")
st.caption(
    "Pick a scenario file, change what the planner chooses (levers 改革措施) and what "
    "nobody controls (uncertainties 不确定因素). Every change is validated at once."
)
state = st.session_state
files = scenario_files()
if not files:
    st.error(f"No scenario files in {scenario_dir()}.")
    st.stop()

working()  # loads the default file on a session's first visit
current = state.get("work.file")
st.selectbox(
    "Scenario file 情景文件",
    files,
    index=files.index(current) if current in files else 0,
    key="scenario_file",
    on_change=lambda: load_file(state["scenario_file"]),
)
file_error = state.get("work.file_error")
if file_error is not None:
    show_problems(file_error, f"Could not load {file_error.file}; the last good scenario stays:")

scenario = working()
base = state.get("work.base")
if scenario is None or base is None:
    st.stop()

fields = form_fields(base)
# Widgets start from the draft (base + the form's last values): Streamlit forgets a
# widget's state when another page is shown, and the draft keeps the edits meanwhile.
seed = state.get("work.draft") or base


def widget(f):
    key, value = field_key(f), get_path(seed, f.path, f.default)
    if f.kind == "bool":
        st.checkbox(f.label, value=bool(value), key=key)
    elif f.kind == "text":
        st.text_input(f.label, value=str(value), key=key)
    elif f.kind == "int":
        low = int(min(f.low or 0, value))
        high = None if f.high is None else int(max(f.high, value))
        st.number_input(f.label, low, high, int(value), 1, key=key)
    else:
        value = float(value)
        low, high = min(f.low, value), max(f.high, value)
        st.number_input(f.label, low, high, value, f.step, key=key)
    for p in problems_for(f, state.get("work.problems", [])):
        st.error(p, icon="⚠️")


with st.container(border=True):
    for f in (f for f in fields if f.group == "scenario"):
        widget(f)
left, right = st.columns(2)
with left:
    st.subheader("Levers 改革措施")
    for f in (f for f in fields if f.group == "levers"):
        widget(f)
with right:
    st.subheader("Uncertainties 不确定因素")
    for f in (f for f in fields if f.group == "uncertainties"):
        widget(f)

# One validation step for the whole form: the draft is the base plus the widgets.
draft = apply_values(base, fields, {k: state[k] for k in state if str(k).startswith("sc:")})
error = use_data(draft, f"{state.get('work.source')} (edited)", as_base=False)
scenario = state["work.scenario"]
if error is not None:
    show_problems(error, "The edited scenario is not valid; the last valid one stays in use:")
else:
    edited = " (edited)" if draft != base else ""
    st.success(f"Valid ✓ — {scenario.name}{edited}, digest `{digest(scenario)[:12]}`")

with st.expander("Edit as YAML (advanced) 高级编辑"):
    st.caption("Any field of the scenario; validated in one step when applied.")
    text = dump_draft(draft)
    edited_text = st.text_area(
        "Scenario YAML", text, height=300, key=f"yaml:{digest(scenario)}:{hash(text)}"
    )
    if st.button("Validate and use this YAML 校验并应用"):
        try:
            valid = parse_yaml_text(edited_text)
        except ScenarioError as exc:
            show_problems(exc, "The YAML is not a valid scenario; the last valid one stays:")
        else:
            use_data(valid.model_dump(mode="json"), "edited YAML", as_base=True)
            st.rerun()

st.subheader("Save as a new scenario file 另存为")
name = st.text_input("File name", f"{scenario.name}_edited.yaml", key="save_name")
if st.button("Save 保存", disabled=error is not None):
    target = scenario_dir() / name
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*\.yaml", name):
        st.error("File name: use lower-case letters, digits, _ or -, ending in .yaml")
    elif target.exists():
        st.error(f"{name} exists already; choose a new name (files are never overwritten).")
    else:
        sha = digest(scenario)
        target.write_text(
            f"# Saved from the ftz-twin app; resolved scenario, sha256: {sha}\n"
            + canonical_yaml(scenario),
            encoding="utf-8",
        )
        st.success(f"Saved {target.name} (digest `{sha[:12]}`).")
