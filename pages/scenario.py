"""Scenario page: choose or upload a file, change levers and uncertainties, validate, save."""

from __future__ import annotations

import streamlit as st

from ftztwin.appkit.form import (
    apply_values,
    field_key,
    form_fields,
    get_path,
    problems_for,
    range_problems,
)
from ftztwin.appkit.scenarios import (
    ScenarioError,
    digest,
    dump_draft,
    parse_upload,
    parse_yaml_text,
    rename_variant,
    save_variant,
    saved_variants,
)
from ftztwin.appkit.session import (
    load_file,
    refuse_draft,
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
    "Pick or upload a scenario file, change what the planner chooses (levers 改革措施) and "
    "what nobody controls (uncertainties 不确定因素). Every change is validated at once."
)
state = st.session_state
files = scenario_files()
if not files:
    st.error(f"No scenario files in {scenario_dir()}.")
    st.stop()

working()  # loads the default file on a session's first visit


def _flash(kind: str, text: str) -> None:
    state["work.flash"] = (kind, text)


def _on_upload() -> None:
    up = state.get("upload_yaml")
    if up is None:
        return
    try:
        scenario = parse_upload(up.getvalue(), up.name, scenario_dir())
    except ScenarioError as exc:
        state["work.upload_error"] = exc
        return
    state["work.upload_error"] = None
    state["work.file_error"] = None
    use_data(scenario.model_dump(mode="json"), f"{up.name} (upload)", as_base=True)
    _flash(
        "success",
        f"Loaded {up.name} (upload 上传): {scenario.name}, digest `{digest(scenario)[:12]}`",
    )


current = state.get("work.file")
left_top, right_top = st.columns([3, 2])
with left_top:
    st.selectbox(
        "Scenario file 情景文件",
        files,
        index=files.index(current) if current in files else 0,
        key="scenario_file",
        on_change=lambda: load_file(state["scenario_file"]),
    )
with right_top:
    st.file_uploader(
        "Upload a scenario (YAML) 上传情景文件",
        type=["yaml", "yml"],
        key="upload_yaml",
        on_change=_on_upload,
        help="`extends:` may name any scenario file listed on the left (the shipped bases).",
    )
file_error = state.get("work.file_error")
if file_error is not None:
    show_problems(file_error, f"Could not load {file_error.file}; the last good scenario stays:")
upload_error = state.get("work.upload_error")
if upload_error is not None:
    show_problems(
        upload_error, f"{upload_error.file} is not a valid scenario; the last good one stays:"
    )
flash = state.pop("work.flash", None)
if flash is not None:
    getattr(st, flash[0])(flash[1])

scenario = working()
base = state.get("work.base")
if scenario is None or base is None:
    st.stop()

fields = form_fields(base)
# One validation step for the whole form, before any widget is drawn, so that each
# problem shows beside its field in the same run: the draft is the base plus the
# widgets' values (kept in the session state between runs).
# A widget that another page's visit made Streamlit forget takes its value from the
# last draft, so an edit outlives the visit.
last_draft = state.get("work.draft") or base
values = {
    field_key(f): state[field_key(f)]
    if field_key(f) in state
    else get_path(last_draft, f.path, f.default)
    for f in fields
}
out_of_range = range_problems(base, fields, values)
draft = apply_values(base, fields, values)
source = f"{state.get('work.source')} (edited)"
error = (
    refuse_draft(draft, source, out_of_range)
    if out_of_range
    else use_data(draft, source, as_base=False)
)
scenario = state["work.scenario"]
problems = state.get("work.problems", [])
# Widgets start from the draft (base + the form's last values): Streamlit forgets a
# widget's state when another page is shown, and the draft keeps the edits meanwhile.
seed = state.get("work.draft") or base

if error is not None:
    show_problems(
        error, "Not valid ✗ — the edited scenario is refused; the last valid one stays in use:"
    )
else:
    edited = " (edited 已修改)" if draft != base else ""
    st.success(f"Valid ✓ — {scenario.name}{edited}, digest `{digest(scenario)[:12]}`")


def widget(f):
    key, value = field_key(f), get_path(seed, f.path, f.default)
    if f.kind == "bool":
        st.checkbox(f.label, value=bool(value), key=key)
    elif f.kind == "text":
        st.text_input(f.label, value=str(value), key=key)
    else:
        # No min/max on the widget: a bounded widget refuses an out-of-range value in
        # the browser without telling the page; here it is refused beside the field.
        offer = f"{f.low:g} … {f.high:g}" if f.high is not None else f"≥ {f.low or 0:g}"
        if f.kind == "int":
            st.number_input(f.label, value=int(value), step=1, key=key, help=f"range 范围 {offer}")
        else:
            st.number_input(
                f.label, value=float(value), step=f.step, format="%g", key=key,
                help=f"range 范围 {offer}",
            )  # fmt: skip
    for p in problems_for(f, problems):
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

with st.expander("Edit as YAML (advanced) 高级编辑"):
    st.caption("Any field of the scenario; validated in one step when applied.")
    text = dump_draft(draft)
    edited_text = st.text_area(
        "Scenario YAML 情景文本", text, height=300, key=f"yaml:{digest(scenario)}:{hash(text)}"
    )
    if st.button("Validate and use this YAML 校验并应用", key="yaml_apply"):
        try:
            valid = parse_yaml_text(edited_text)
        except ScenarioError as exc:
            show_problems(exc, "The YAML is not a valid scenario; the last valid one stays:")
        else:
            use_data(valid.model_dump(mode="json"), "edited YAML", as_base=True)
            st.rerun()


def _save() -> None:
    name = state.get("save_name", "")
    try:
        target, named = save_variant(state["work.scenario"], name, scenario_dir())
    except ScenarioError as exc:
        state["work.save_error"] = exc
        return
    state["work.save_error"] = None
    load_file(target.name)  # the variant becomes the working file, under its own name
    state["scenario_file"] = target.name
    _flash(
        "success",
        f"Saved {target.name} as variant **{named.name}** (digest `{digest(named)[:12]}`).",
    )


def _rename() -> None:
    old, new = state.get("rename_from"), state.get("rename_to", "")
    try:
        target, named = rename_variant(scenario_dir(), old, new)
    except ScenarioError as exc:
        state["work.save_error"] = exc
        return
    state["work.save_error"] = None
    if state.get("work.file") == old:
        load_file(target.name)
        state["scenario_file"] = target.name
    _flash("success", f"Renamed {old} to {target.name} (variant **{named.name}**).")


st.subheader("Save as a new variant 另存为新情景")
st.caption(
    "The variant gets its own name (so Compare and Run tell it from the file it came "
    "from) and is written as `<name>.yaml` beside the shipped scenarios; a file is never "
    "overwritten."
)
c1, c2 = st.columns([3, 1])
c1.text_input(
    "Variant name 新情景名称", f"{scenario.name}_variant", key="save_name",
    help="lower-case letters, digits, _ or -",
)  # fmt: skip
c2.button("Save 保存", key="save_button", disabled=error is not None, on_click=_save)
save_error = state.get("work.save_error")
if save_error is not None:
    show_problems(save_error, "Not saved:")

variants = saved_variants(scenario_dir())
if variants:
    st.subheader("Rename a saved variant 重命名")
    r1, r2, r3 = st.columns([2, 2, 1])
    r1.selectbox("Variant 情景", variants, key="rename_from")
    r2.text_input("New name 新名称", key="rename_to")
    r3.button("Rename 重命名", key="rename_button", on_click=_rename)
