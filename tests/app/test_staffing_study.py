"""The Staffing page's study: run headless on the shipped reform scenario (short run)."""

from __future__ import annotations

import pytest

from tests.app.conftest import errors, goto

pytestmark = pytest.mark.slow


def _study(app, pools, targets, mode="joint", trials=2, reps=2):
    goto(app, "staffing")
    app.multiselect(key="study_pools").set_value(pools).run()
    app.text_area(key="study_targets").set_value(targets).run()
    app.selectbox(key="study_mode").set_value(mode).run()
    app.number_input(key="study_trials").set_value(trials).run()
    app.number_input(key="study_reps").set_value(reps).run()
    app.button(key="study_button").click().run(timeout=600)
    assert not app.exception, app.exception
    return app


def test_the_page_finds_a_staffing_and_shows_it_against_the_plan_with_a_guarantee(app):
    _study(app, ["docs_ys"], "clearance_time_min_p95<=120", reps=3)
    study = app.session_state["staff.study"]
    assert study.found is not None, errors(app)
    text = "\n".join(m.value for m in app.markdown)
    assert "Guarantee" in text and "docs_ys" in text
    tables = [d.value for d in app.dataframe]
    pools = next(t for t in tables if "peak required" in t.columns)
    row = pools[pools["pool"] == "docs_ys"].iloc[0]
    assert row["found roster"].split()[0] in ("8h", "day")
    roster = study.rosters["docs_ys"]  # the requirement as the search moved it, covered
    assert roster.short_hours == []
    skip = set(roster.uncoverable)
    assert all(
        c >= r
        for h, (c, r) in enumerate(zip(roster.cover, roster.requirement, strict=True))
        if h not in skip
    )
    assert {b.label for b in app.get("download_button")} >= {
        "Download staffing.md",
        "Download staffing.html",
    }


def test_a_bad_target_on_the_page_is_shown_inline_and_nothing_runs(app):
    _study(app, ["docs_ys"], "wait p95 < 30")
    assert "expected KPI<=VALUE" in errors(app)
    assert "staff.study" not in app.session_state
