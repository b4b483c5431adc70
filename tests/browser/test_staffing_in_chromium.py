"""End to end: the Staffing page's study in Chromium, from the form to the downloaded report.

The server and the browser are those of :mod:`tests.browser.test_app_in_chromium` (the
shipped scenarios at traffic 0.3, a 12 h run with 2 h warm-up).
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.test_app_in_chromium import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    RUN_TIMEOUT_MS,
    _nav,
    app_url,
    browser,
)

pytestmark = [pytest.mark.slow, pytest.mark.service]


def test_a_reform_team_finds_a_rostered_staffing_on_the_page_and_downloads_it(
    app_url: str,  # noqa: F811
    browser,  # noqa: F811
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(3 * RUN_TIMEOUT_MS)
    try:
        page.goto(app_url)
        page.get_by_text("Valid ✓").wait_for()
        _nav(page, "Staffing 人员编制")
        mode = page.locator('[data-testid="stSelectbox"]', has_text="Mode 方式")
        mode.scroll_into_view_if_needed()
        mode.get_by_role("combobox").click()
        page.get_by_role("option", name="shifts").click()
        main = page.get_by_test_id("stMainBlockContainer")
        reps = main.get_by_role("spinbutton", name="Replications 重复次数")
        reps.fill("2")
        reps.press("Enter")
        page.get_by_role("button", name="Find the staffing 寻找编制").click()
        headline = page.get_by_text("on scenario reform_2014:")
        headline.wait_for()
        assert "shifts" in headline.inner_text() and "docs_wgq" in headline.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        # hourly coverage: one chart per adjusted pool
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download staffing.csv").click()
        rows = list(csv.DictReader(io.StringIO(info.value.path().read_text("utf-8"))))
        page.screenshot(path=str(ARTIFACTS / "app_staffing.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "app_staffing_failure.png"), full_page=True)
        raise
    finally:
        page.close()
    by_pool = {r["pool"]: r for r in rows}
    assert by_pool["docs_wgq"]["found roster"].split()[0] in ("day", "8h")
    assert int(by_pool["docs_wgq"]["found"]) > 0
    assert by_pool["insp_ys"]["change"] == "kept"
