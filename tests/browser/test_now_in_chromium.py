"""In Chromium: the Now page reads the recorded snapshot, forecasts from it, and names a bad one.

The real router (app.py) on a loopback port, the snapshot shipped in conf/, a forecast of
one hour with two replications and a what-if beside doing nothing. Asserts what a planner
reads: the eight gates, the H986 in fault, every forecast row's interval around its mean
and never below zero, and the error that names a snapshot file that is not there.
Screenshots go to test-artifacts/ (not committed).
"""

from __future__ import annotations

import pytest

from tests.browser.test_app_in_chromium import (  # noqa: F401  (fixtures used by name)
    NUMBER,
    _cells,
    _nav,
    _shot,
    _start,
    app_url,
    browser,
    page,
)

pytestmark = [pytest.mark.slow, pytest.mark.service]


def _numbers(cells: list[str]) -> list[float]:
    return [float(m.group().replace(",", "")) for c in cells if (m := NUMBER.fullmatch(c))]


def test_the_now_page_forecasts_from_the_recorded_snapshot_with_a_what_if_in_chromium(
    app_url: str,  # noqa: F811
    page,  # noqa: F811
):
    try:
        _start(page, app_url)
        _nav(page, "Now 现状推演")
        page.get_by_text("Load a snapshot").wait_for()
        page.get_by_role("button", name="Load the state 读取现状").click()
        page.get_by_text("Devices in fault 故障设备").wait_for()
        page.get_by_role("heading", name="State now 当前状态", exact=False).wait_for()
        page.get_by_text("yangshan_port/h986-1").first.wait_for(state="attached")
        main = page.get_by_test_id("stMainBlockContainer")
        hours = main.get_by_role("spinbutton", name="hours ahead 预测小时")
        hours.fill("1")
        hours.press("Enter")
        reps = main.get_by_role("spinbutton", name="replications 重复次数", exact=True)
        reps.fill("2")
        reps.press("Enter")
        page.get_by_label("What-if levers", exact=False).fill("outage.yangshan_port/gate_2L_01=1")
        page.get_by_role("button", name="Forecast 运行预测").click()
        page.get_by_text("Trucks at the gate 卡口车辆 (mean, 90% interval)").wait_for()
        page.get_by_text("Action 措施:").wait_for()
        tables = page.locator('[data-testid="stDataFrame"]')
        tables.nth(2).locator("td").first.wait_for(state="attached")
        cells = _cells(tables.nth(2))
        assert "yangshan_port/gate_2L_01" in cells
        _shot(page, "now_forecast.png")
        # Columns: resource, hour, mean, 90% low, 90% high, action mean, paired difference.
        at = cells.index("yangshan_port/gate_2L_01")
        mean, low, high = _numbers(cells[at + 2 : at + 5])
    finally:
        _shot(page, "now_last.png")
    assert 0.0 <= low <= mean <= high


def test_a_missing_snapshot_file_is_named_and_nothing_is_forecast_in_chromium(
    app_url: str,  # noqa: F811
    page,  # noqa: F811
):
    _start(page, app_url)
    _nav(page, "Now 现状推演")
    source = page.get_by_label("Snapshot: a file or the live service's URL", exact=False)
    source.fill("/nonexistent/snapshot.json")
    source.press("Enter")
    page.get_by_role("button", name="Load the state 读取现状").click()
    page.get_by_text("The snapshot cannot be used").wait_for()
    body = page.locator("body").inner_text()
    assert "/nonexistent/snapshot.json" in body
    assert "Forecast 预测" not in body
    _shot(page, "now_missing_snapshot.png")
