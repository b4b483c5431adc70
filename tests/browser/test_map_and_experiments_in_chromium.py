"""In Chromium: the offline map and where trucks wait, Stop, two tabs sharing a run, a sweep.

The server runs app.py with the Experiments page registered (the router of
tests/app/test_monitoring_and_experiments.py) on a loopback port; every request the
browser makes to anywhere but that port is refused and recorded, so the map is shown to
draw without a tile server. Screenshots go to test-artifacts/ (not committed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from tests.app.conftest import SHORT_RUN, scratch_scenarios
from tests.app.test_monitoring_and_experiments import router
from tests.browser.test_app_in_chromium import (
    ARTIFACTS,
    CHROMIUM,
    FLAGS,
    _nav,
    _unavailable,
    serve,
)

RUN_TIMEOUT_MS = 180_000
LONG_H = "168"  # a week: long enough to press Stop, or to open a second tab, mid-run

pytestmark = [pytest.mark.slow, pytest.mark.service]


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser_lab")
    folder = scratch_scenarios(root / "scenarios")
    app = router(root)
    env = {
        **os.environ, **SHORT_RUN, "FTZTWIN_SCENARIO_DIR": str(folder),
        "FTZTWIN_APP_WORKERS": "2",
    }  # fmt: skip
    yield from serve(app, env)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium, or `make test`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


def _tab(browser, url: str, outside: list[str]):
    """A new session (its own context) that refuses and records requests leaving the host."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    host = url.removeprefix("http://")

    def route(r) -> None:
        if host in r.request.url or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    page.goto(url)
    page.get_by_text("Valid ✓").wait_for()
    return page


def _set_horizon(page, hours: str, shown: str = "× {} h") -> None:
    box = page.get_by_role("spinbutton", name="Horizon (h) 仿真时长")
    box.fill(hours)
    box.press("Enter")
    page.get_by_text(shown.format(hours)).first.wait_for()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_the_map_draws_offline_and_the_page_names_where_trucks_wait(lab_url, browser):
    outside: list[str] = []
    page = _tab(browser, lab_url, outside)
    try:
        _nav(page, "Run 运行")
        page.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        page.get_by_text(re.compile(r"^Results 结果: reform_2014")).wait_for()
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Map & monitoring").click()
        page.get_by_role("heading", name="Map & monitoring 地图与中央监控").wait_for()
        page.get_by_text("Bottleneck 瓶颈").first.wait_for()
        maps = page.locator('[data-testid="stVegaLiteChart"]')
        # The charts are drawn one after another; on a slow machine the count read when
        # the first appears was 2. Wait for the third, then count.
        maps.nth(2).wait_for()
        assert maps.count() >= 3  # the map, the replay on the map, the series
        page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for()
        text = page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()
        named = [t for t in text if t.startswith("Bottleneck 瓶颈")]
        assert len(named) == 1 and "waiting" in named[0] and "replications" in named[0]
        assert page.get_by_text("How trucks go through").count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        _shot(page, "map_and_waits.png")
        # The Yangshan view: the Donghai Bridge and the island port, still without tiles.
        page.get_by_text("Yangshan and Donghai Bridge 洋山与东海大桥").click()
        page.wait_for_timeout(1500)
        _shot(page, "map_yangshan.png")
    except Exception:
        _shot(page, "map_failure.png")
        raise
    finally:
        page.context.close()
    assert outside == []  # nothing fetched from a tile server or anywhere else
    assert (ARTIFACTS / "map_and_waits.png").stat().st_size > 20_000


def test_stop_ends_the_run_and_no_progress_is_left_on_the_page(lab_url, browser):
    outside: list[str] = []
    page = _tab(browser, lab_url, outside)
    try:
        _nav(page, "Run 运行")
        _set_horizon(page, LONG_H)
        page.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        bar = page.get_by_text(re.compile(r"Running reform_2014: 2 replications × 168 h — \d+%"))
        bar.wait_for()
        assert "worker processes" in bar.inner_text()
        _shot(page, "run_progress_eta.png")
        page.get_by_role("button", name="Stop 停止").click()
        page.get_by_text(re.compile(r"^Stopped")).wait_for()
        page.wait_for_timeout(1500)  # a bar left behind would still be drawn by now
        assert page.get_by_text(re.compile(r"Running reform_2014")).count() == 0
        assert page.get_by_role("button", name="Stop 停止").count() == 0
        assert page.locator('[data-testid="stMetric"]').count() == 0  # no result was kept
        _shot(page, "run_stopped.png")
    except Exception:
        _shot(page, "stop_failure.png")
        raise
    finally:
        page.context.close()


def test_two_tabs_asking_for_the_same_run_share_one_run(lab_url, browser):
    outside: list[str] = []
    first, second = _tab(browser, lab_url, outside), _tab(browser, lab_url, outside)
    try:
        for page in (first, second):
            _nav(page, "Run 运行")
            _set_horizon(page, "36")
        first.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        first.get_by_text(re.compile(r"Running reform_2014.*× 36 h")).wait_for()
        second.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        shared = second.get_by_text(re.compile(r"Running reform_2014.*shared by 2 requests"))
        shared.wait_for()
        _shot(second, "two_tabs_second_joined.png")
        digests = []
        for page in (first, second):
            head = page.get_by_text(re.compile(r"^Results 结果: reform_2014 \(digest"))
            head.wait_for()
            digests.append(head.inner_text())
        assert digests[0] == digests[1]  # one run, one digest, shown in both tabs
        for page in (first, second):
            page.locator('[data-testid="stMetric"]').nth(8).wait_for()  # drawn after the head
            assert page.locator('[data-testid="stMetric"]').count() == 9
            assert page.get_by_text(re.compile(r"Running reform_2014")).count() == 0
        _shot(first, "two_tabs_first.png")
    except Exception:
        _shot(first, "two_tabs_failure_first.png")
        _shot(second, "two_tabs_failure_second.png")
        raise
    finally:
        first.context.close()
        second.context.close()


def test_a_sweep_runs_from_the_experiments_page_with_a_table_and_plots(lab_url, browser):
    outside: list[str] = []
    page = _tab(browser, lab_url, outside)
    try:
        _nav(page, "Experiments 实验")
        _set_horizon(page, "6", "horizon {} h")
        page.get_by_role("button", name="Run the sweep 运行扫描").click()
        page.get_by_text(
            re.compile(r"^Sweep results 扫描结果 — 3 points × 2 replications")
        ).wait_for()
        download = page.get_by_role("button", name=re.compile("Download the sweep table"))
        download.wait_for()  # the last element the page draws
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        page.locator('[data-testid="stVegaLiteChart"]').nth(1).wait_for()
        assert download.count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        _shot(page, "experiments_sweep.png")
    except Exception:
        _shot(page, "experiments_failure.png")
        raise
    finally:
        page.context.close()
    assert outside == []
