"""The Scenario page as a planner keeps scenarios: upload, variants, rename, bad values."""

from __future__ import annotations

from ftz_spec import digest, load_scenario
from tests.app.conftest import errors, goto

TRAFFIC = "sc:uncertainties.traffic_scale"
YS_H986 = "sc:levers.h986.yangshan_port"


def _working(at):
    return at.session_state["work.scenario"]


def _banner(at) -> str:
    return "\n".join(s.value for s in at.success) + "\n".join(e.value for e in at.error)


def test_a_value_above_a_fields_range_is_an_error_beside_it_and_never_valid(app):
    before = digest(_working(app))
    app.number_input(key=TRAFFIC).set_value(9.0).run()  # the field offers 0.05 … 5
    assert not app.exception
    assert "uncertainties.traffic_scale: 9 is outside the range of this field, 0.05 to 5" in errors(
        app
    )
    assert not any("Valid ✓" in s.value for s in app.success)
    assert any(e.value.startswith("Not valid ✗") for e in app.error)
    assert digest(_working(app)) == before  # not applied
    goto(app, "run")
    assert any("problems" in w.value for w in app.warning)  # the Run page says so too


def test_a_negative_scanner_count_is_refused_and_a_fix_makes_the_form_valid_again(app):
    app.number_input(key=YS_H986).set_value(-1).run()
    assert "levers.h986.yangshan_port: -1 is outside the range of this field, 0 to 6" in errors(app)
    assert _working(app).levers.h986["yangshan_port"] == 2
    app.number_input(key=YS_H986).set_value(4).run()
    assert not app.error
    assert any("Valid ✓" in s.value for s in app.success)
    assert _working(app).levers.h986["yangshan_port"] == 4


def test_edits_made_one_after_another_on_the_scenario_page_are_all_kept(app):
    app.checkbox(key="sc:levers.dual_review").uncheck().run()
    app.number_input(key=YS_H986).set_value(3).run()
    app.number_input(key=TRAFFIC).set_value(0.4).run()
    app.checkbox(key="sc:levers.paperless").uncheck().run()
    s = _working(app)
    assert (s.levers.dual_review, s.levers.h986["yangshan_port"]) == (False, 3)
    assert (s.uncertainties.traffic_scale, s.levers.paperless) == (0.4, False)


def test_an_uploaded_file_extending_a_shipped_base_becomes_the_working_scenario(app, scenario_dir):
    text = "extends: reform_2014.yaml\nname: ys_upload\nlevers:\n  h986: {yangshan_port: 3}\n"
    app.file_uploader(key="upload_yaml").set_value(
        ("ys.yaml", text.encode(), "application/yaml")
    ).run()
    assert not app.exception and not app.error, errors(app)
    s = _working(app)
    assert s.name == "ys_upload" and s.levers.h986["yangshan_port"] == 3
    # merged on the scratch base, as the CLI would merge the same file saved beside it
    (scenario_dir / "ys_cli.yaml").write_text(text, encoding="utf-8")
    assert digest(s) == digest(load_scenario(scenario_dir / "ys_cli.yaml"))
    assert app.number_input(key=YS_H986).value == 3
    assert any("ys.yaml (upload" in s.value for s in app.success)


def test_a_malformed_uploaded_yaml_names_the_file_and_line_and_keeps_the_scenario(app):
    before = digest(_working(app))
    bad = b"name: x\nlevers: [unclosed\n"
    app.file_uploader(key="upload_yaml").set_value(("bad.yaml", bad, "application/yaml")).run()
    assert not app.exception
    text = errors(app)
    assert "bad.yaml (upload) is not a valid scenario" in text
    assert "`malformed YAML`: line 3, column 1" in text
    assert digest(_working(app)) == before


def test_an_upload_extending_a_file_outside_the_app_folder_is_refused(app):
    bad = b"extends: ../../etc/passwd\nname: x\n"
    app.file_uploader(key="upload_yaml").set_value(("up.yaml", bad, "application/yaml")).run()
    assert "`extends`: '../../etc/passwd' is not a scenario file of the app" in errors(app)
    assert _working(app).name == "reform_2014"


def test_an_invalid_uploaded_scenario_names_the_field_path_and_value(app):
    bad = b"extends: reform_2014.yaml\nname: x\nuncertainties: {traffic_scale: -2}\n"
    app.file_uploader(key="upload_yaml").set_value(("neg.yaml", bad, "application/yaml")).run()
    text = errors(app)
    assert "uncertainties.traffic_scale" in text and "-2" in text
    assert _working(app).name == "reform_2014"


def test_a_saved_variant_can_be_renamed_and_a_shipped_file_cannot(app, scenario_dir):
    app.number_input(key=YS_H986).set_value(3).run()
    app.text_input(key="save_name").input("ys3").run()
    app.button(key="save_button").click().run()
    assert app.selectbox(key="rename_from").options == ["ys3.yaml"]  # shipped files not offered
    app.text_input(key="rename_to").input("ys_three").run()
    app.button(key="rename_button").click().run()
    assert not app.error, errors(app)
    assert not (scenario_dir / "ys3.yaml").exists()
    renamed = load_scenario(scenario_dir / "ys_three.yaml")
    assert renamed.name == "ys_three" and renamed.levers.h986["yangshan_port"] == 3
    assert _working(app).name == "ys_three"
    assert app.selectbox(key="scenario_file").value == "ys_three.yaml"


def test_a_variant_name_with_spaces_is_refused_with_the_rule(app, scenario_dir):
    app.text_input(key="save_name").input("My Variant").run()
    app.button(key="save_button").click().run()
    assert "lower-case letters" in errors(app)
    assert not list(scenario_dir.glob("My*"))
