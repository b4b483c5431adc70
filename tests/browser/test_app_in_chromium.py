"""End to end: `streamlit run app.py` on a loopback port, driven by Playwright in Chromium.

The Chromium executable is Debian's (``make test`` installs it through
tools/apt-packages.txt); Playwright's own browser downloads are never used. Without it
the test skips, except under ``CI=true`` where it fails.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.conftest import SHORT_RUN, scratch_scenarios
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT_S = 60.0
RUN_TIMEOUT_MS = 120_000

pytestmark = [pytest.mark.slow, pytest.mark.service]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI=true the browser test must run")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_healthy(proc: subprocess.Popen[str], url: str, lines: list[str]) -> None:
    """Ask the health endpoint until it answers "ok"; fail if the server exits or is slow.

    Between attempts the fixture waits on the server process itself, which returns at
    once if the server has died.
    """
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            pass  # not listening yet
        try:
            proc.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError("streamlit exited:\n" + "".join(lines))
    raise AssertionError("streamlit did not become healthy:\n" + "".join(lines))


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = scratch_scenarios(tmp_path_factory.mktemp("browser") / "scenarios")
    port = _free_port()
    env = {**os.environ, **SHORT_RUN, "FTZTWIN_SCENARIO_DIR": str(folder)}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    # Keep reading the server's output so that it never blocks on a full pipe.
    assert proc.stdout is not None
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(proc, url, lines)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


def _nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()
    page.get_by_role("heading", name=title).wait_for()


def test_a_planner_runs_a_scenario_and_compares_baseline_with_reform_in_chromium(
    app_url: str, browser
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        page.goto(app_url)
        page.get_by_text("Valid ✓").wait_for()

        _nav(page, "Run 运行")
        page.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        cards = page.locator('[data-testid="stMetric"]')
        cards.first.wait_for()
        assert cards.count() == 9  # the headline KPIs and the unfinished share beside them
        assert "Clearance time, mean" in cards.first.inner_text()
        assert any("Share unfinished" in cards.nth(i).inner_text() for i in range(9))
        chart = page.locator('[data-testid="stImage"] img, [data-testid="stImageContainer"] img')
        chart.first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "app_run.png"), full_page=True)

        _nav(page, "Compare 对比")
        page.get_by_role("button", name="Baseline 2013 vs reform 2014 基线与改革对比").click()
        page.get_by_role(
            "heading", name=re.compile(r"baseline_2013 \(\w+\) vs reform_2014")
        ).wait_for()
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "app_compare.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "app_failure.png"), full_page=True)
        raise
    finally:
        page.close()
    assert (ARTIFACTS / "app_compare.png").stat().st_size > 10_000
