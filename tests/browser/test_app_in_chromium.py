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


def serve(app: Path, env: dict[str, str]) -> Iterator[str]:
    """Run ``streamlit run app`` on a free loopback port; yield its URL, stop it after."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
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
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = scratch_scenarios(tmp_path_factory.mktemp("browser") / "scenarios")
    env = {**os.environ, **SHORT_RUN, "FTZTWIN_SCENARIO_DIR": str(folder)}
    yield from serve(ROOT / "app.py", env)


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


NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def _cells(table) -> list[str]:
    """The text of a table's cells as the browser shows them (the grid's cell layer)."""
    return [t.strip() for t in table.locator("td").all_inner_texts()]


def _table_with(page, cell: str | re.Pattern[str], timeout_s: float = 30.0) -> list[str]:
    """The cells of the first table showing ``cell`` (text or pattern; drawn late)."""
    deadline = time.monotonic() + timeout_s
    while True:
        tables = page.locator('[data-testid="stDataFrame"]')
        for i in range(tables.count()):
            cells = _cells(tables.nth(i))
            hit = cell in cells if isinstance(cell, str) else any(cell.search(c) for c in cells)
            if hit:
                return cells
        if time.monotonic() > deadline:
            raise AssertionError(f"no table shows {cell!r}")
        page.wait_for_timeout(250)


def _percent_cells_in_bounds(cells: list[str]) -> int:
    """Check every per-cent value with its interval lies in 0..100; return how many."""
    seen = 0
    for cell in cells:
        if cell.endswith("*") or " pp" in cell or "%" not in cell:
            continue  # differences are in percentage points and may be negative
        for number in NUMBER.findall(cell.split("%")[0]):
            assert 0 <= float(number.replace(",", "")) <= 100, cell
            seen += 1
    return seen


def _truncated(page) -> list[str]:
    """Texts of KPI cards that the browser cuts (wider than their box)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetric"] *')]
            .filter(e => e.children.length === 0 && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent)"""
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture
def page(browser):
    # Wide enough that the grid draws every column of a comparison of two (the browser
    # test reads the cells the grid renders, and it renders only those in view).
    p = browser.new_page(viewport={"width": 1900, "height": 1100})
    p.set_default_timeout(RUN_TIMEOUT_MS)
    yield p
    p.close()


def _start(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_text("Valid ✓").wait_for()


def test_a_planner_runs_a_scenario_and_compares_baseline_with_reform_in_chromium(
    app_url: str, page
):
    try:
        _start(page, app_url)
        _nav(page, "Run 运行")
        page.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        cards = page.locator('[data-testid="stMetric"]')
        cards.nth(8).wait_for()  # drawn one after another: wait for the last, then count
        assert cards.count() == 9  # the headline KPIs and the unfinished share beside them
        texts = [cards.nth(i).inner_text() for i in range(9)]
        assert "Clearance time, mean 平均通关时间" in texts[0]
        assert any("Share unfinished 未完成比例" in t for t in texts)
        captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
        assert sum("(n = 2)" in c for c in captions) >= 8  # replications beside each interval
        assert _truncated(page) == []  # no card value or label cut off
        assert not re.search(r"\de[+-]\d", page.locator("main").inner_text())
        page.get_by_text("Change since the previous run 与上次运行相比").wait_for()
        chart = page.locator('[data-testid="stImage"] img, [data-testid="stImageContainer"] img')
        chart.first.wait_for()
        _shot(page, "app_run.png")

        _nav(page, "Compare 对比")
        page.get_by_role("button", name="Baseline 2013 vs reform 2014 基线与改革对比").click()
        page.get_by_role(
            "heading", name=re.compile(r"baseline_2013 \(\w+\) vs reform_2014")
        ).wait_for()
        page.get_by_text("Ranking 排名").wait_for()
        first = page.locator('[data-testid="stDataFrame"]').first  # the unfinished shares
        for _ in range(120):
            unfinished = _cells(first)
            if unfinished:
                break
            page.wait_for_timeout(250)
        assert sum(c.endswith("%, n = 2") for c in unfinished) == 2  # on every result
        table = _table_with(page, "clearance_time_min_mean")
        i = table.index("clearance_time_min_mean")
        assert table[i - 1] == "Clearance time, mean 平均通关时间 (min)"
        assert table[i + 1].endswith("min, n = 2") and table[i + 3].endswith("*")
        assert _percent_cells_in_bounds(table) >= 6
        assert page.locator('[data-testid="stException"]').count() == 0
        _shot(page, "app_compare.png")
    except Exception:
        _shot(page, "app_failure.png")
        raise
    assert (ARTIFACTS / "app_compare.png").stat().st_size > 10_000


def _number_field(page, label_start: str):
    return page.locator(f'input[aria-label^="{label_start}"]')


def test_the_h986_what_if_shows_on_compare_after_removing_the_baseline_in_chromium(
    app_url: str, page
):
    try:
        _start(page, app_url)
        field = _number_field(page, "H986 scanners: Yangshan")
        field.fill("3")
        field.press("Enter")
        page.get_by_text(re.compile(r"Valid ✓ — reform_2014 \(edited")).wait_for()

        _nav(page, "Compare 对比")
        page.get_by_role("button", name="Remove baseline_2013.yaml").click()
        page.get_by_role("button", name="Remove baseline_2013.yaml").wait_for(state="detached")
        page.locator('[data-testid="stMultiSelect"]').first.locator("input").click()
        page.get_by_role("option", name=re.compile("✎ the edited scenario")).click()
        page.keyboard.press("Escape")
        from playwright.sync_api import expect  # with the browser fixtures, not at import

        tags = page.locator('[data-testid="stMultiSelect"]').first.locator("[data-tag]")
        # Both edits kept: baseline out, the edited one in. Waited for, not read at once:
        # the tag appears after Streamlit's rerun, which a loaded machine delays.
        expect(tags).to_have_count(2, timeout=20_000)
        page.get_by_role("button", name=re.compile(r"^Compare \(2 replications")).click()
        page.get_by_role(
            "heading", name=re.compile(r"reform_2014 \(\w+\) vs ✎ reform_2014")
        ).wait_for()
        page.get_by_text("Ranking 排名").wait_for()
        assert page.get_by_text("Choose at least two scenarios").count() == 0
        box = page.locator('[data-testid="stSelectbox"]').first
        chosen = (box.text_content() or "") + " ".join(
            box.locator("input").nth(i).input_value() for i in range(box.locator("input").count())
        )
        assert "Utilisation at yangshan_port/h986" in chosen  # the KPI the what-if moves
        table = _table_with(page, "utilisation[yangshan_port/h986]")
        delta = table[table.index("utilisation[yangshan_port/h986]") + 3]
        assert delta.startswith("-") and delta.endswith("pp, n = 2 *"), delta
        changed = _table_with(page, "levers.h986.yangshan_port")
        assert changed[:4] == ["levers.h986.yangshan_port", "changed", "2", "3"]
        _shot(page, "app_compare_h986.png")
    except Exception:
        _shot(page, "app_h986_failure.png")
        raise


def test_a_value_out_of_range_is_shown_as_an_error_and_never_valid_in_chromium(app_url: str, page):
    try:
        _start(page, app_url)
        field = _number_field(page, "Traffic scale")
        field.fill("9")
        field.press("Enter")
        page.get_by_text("9 is outside the range of this field, 0.05 to 5").first.wait_for()
        assert page.get_by_text("Valid ✓").count() == 0
        page.get_by_text(re.compile("^Not valid ✗")).wait_for()
        _shot(page, "app_bad_field.png")
        field.fill("0.5")
        field.press("Enter")
        page.get_by_text("Valid ✓").wait_for()
    except Exception:
        _shot(page, "app_bad_field_failure.png")
        raise


def test_a_bad_yaml_upload_is_named_and_a_good_one_is_used_in_chromium(
    app_url: str, page, tmp_path: Path
):
    bad, good = tmp_path / "bad.yaml", tmp_path / "good.yaml"
    bad.write_text("name: x\nlevers: [unclosed\n", encoding="utf-8")
    good.write_text(
        "extends: reform_2014.yaml\nname: uploaded_ys\nlevers:\n  h986: {yangshan_port: 4}\n",
        encoding="utf-8",
    )
    try:
        _start(page, app_url)
        upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        upload.set_input_files(str(bad))
        page.get_by_text("bad.yaml (upload) is not a valid scenario").wait_for()
        assert "malformed YAML" in page.locator('[data-testid="stAlert"]').first.inner_text()
        assert page.get_by_text(re.compile(r"Valid ✓ — reform_2014")).count() == 1  # kept
        _shot(page, "app_bad_upload.png")
        upload.set_input_files(str(good))
        page.get_by_text(re.compile(r"Loaded good.yaml \(upload")).wait_for()
        page.get_by_text(re.compile(r"Valid ✓ — uploaded_ys")).wait_for()
        banner = page.get_by_text(re.compile(r"Valid ✓ — uploaded_ys")).inner_text()
        assert "edited" not in banner, banner  # the form holds the upload's values
        field = _number_field(page, "H986 scanners: Yangshan")
        for _ in range(40):
            if field.input_value() == "4":
                break
            page.wait_for_timeout(250)
        assert field.input_value() == "4"
    except Exception:
        _shot(page, "app_upload_failure.png")
        raise


def test_the_downloads_give_the_runs_kpis_within_their_bounds_in_chromium(app_url: str, page):
    import csv
    import io

    from twin.catalogue import describe, is_known

    try:
        _start(page, app_url)
        _nav(page, "Run 运行")
        page.get_by_role("button", name=re.compile(r"^Run 2 replications")).click()
        page.locator('[data-testid="stMetric"]').first.wait_for()
        _nav(page, "Downloads 下载")
        button = page.get_by_role("button", name="KPI summary, mean and 95% CI (CSV) 指标汇总")
        button.wait_for()
        page.get_by_role("button", name=re.compile(r"\(PNG\)$")).nth(4).wait_for()
        labels = page.locator("button").all_inner_texts()  # before a click reruns the page
        assert sum(t.strip().endswith("(PNG)") for t in labels) == 5
        assert any("通关时间分布" in t for t in labels)
        with page.expect_download() as info:
            button.click()
        rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8"))))
        assert len(rows) > 100
        checked = 0
        for row in rows:
            if is_known(row["kpi"]) and row["ci95_low"] not in ("", "nan"):
                lo, hi = describe(row["kpi"]).bounds
                low, high = float(row["ci95_low"]), float(row["ci95_high"])
                assert (lo is None or low >= lo) and (hi is None or high <= hi), row
                assert int(row["replications"]) + int(row["not_applicable"]) == 2
                checked += 1
        assert checked > 100
        _shot(page, "app_downloads.png")
    except Exception:
        _shot(page, "app_downloads_failure.png")
        raise
