"""The Compare kit's rules on hand-made replications: bounds, pairing, formats, uploads."""

from __future__ import annotations

import math
import os
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftz_spec import digest, load_scenario
from ftz_spec.errors import ScenarioError
from ftztwin.appkit import compare
from ftztwin.appkit.runs import RunResult
from ftztwin.appkit.scenarios import parse_upload, rename_variant, save_variant
from tests.conftest import SCENARIOS
from twin.experiment import ReplicationResult
from twin.summary import summarise


def _run(values: dict[str, list[float]], name: str = "x") -> RunResult:
    n = len(next(iter(values.values())))
    results = tuple(
        ReplicationResult(r, {k: v[r] for k, v in values.items() if not math.isnan(v[r])})
        for r in range(n)
    )
    return RunResult(None, name * 8, results, summarise(results), None, b"")  # type: ignore[arg-type]


shares = st.lists(st.floats(0, 1), min_size=2, max_size=6)


@settings(max_examples=200, deadline=None)
@given(shares, shares)
def test_a_paired_difference_of_utilisations_never_leaves_plus_minus_one(a, b):
    n = min(len(a), len(b))
    k = "utilisation[role=inspection]"
    p = compare.paired(_run({k: a[:n]}), _run({k: b[:n]}), k)
    assert -1 <= p.interval.low <= p.interval.mean <= p.interval.high <= 1
    assert p.interval.n == n


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_subnormal=False), min_size=1, max_size=6))
def test_a_shown_interval_always_says_its_replications_and_never_uses_e_notation(xs):
    run = _run({"clearance_time_min_mean": xs})
    text = compare.format_iv("clearance_time_min_mean", run.summary["clearance_time_min_mean"])
    assert text.endswith(f"min, n = {len(xs)}")
    assert not re.search(r"\de[+-]?\d", text)


def test_pairs_are_made_by_replication_index_not_by_position():
    a = _run({"trucks_cleared": [10.0, 20.0, 30.0]})
    b = RunResult(None, "y" * 8, tuple(reversed([  # type: ignore[arg-type]
        ReplicationResult(0, {"trucks_cleared": 11.0}),
        ReplicationResult(1, {"trucks_cleared": 21.0}),
        ReplicationResult(2, {"trucks_cleared": 31.0}),
    ])), {}, None, b"")  # fmt: skip
    p = compare.paired(a, b, "trucks_cleared")
    assert (p.interval.mean, p.interval.low, p.interval.high) == (1.0, 1.0, 1.0)


def test_a_mean_missing_in_a_replication_is_counted_beside_the_interval_not_averaged_away():
    k = "wait_min_mean[staff/insp_ys]"
    a = _run({k: [1.0, 2.0, math.nan]})
    assert compare.format_iv(k, a.summary[k]).endswith("n = 2 (n/a in 1 of 3)")
    p = compare.paired(a, _run({k: [2.0, 3.0, 4.0]}), k)
    assert p.interval.n == 2 and p.interval.missing == 1


def test_the_ranking_follows_the_catalogues_better_direction():
    fast = _run({"clearance_time_min_mean": [10.0, 11.0, 12.0]}, "f")
    slow = _run({"clearance_time_min_mean": [20.0, 22.0, 21.0]}, "s")
    table = compare.ranking_frame([slow, fast], "clearance_time_min_mean", ["slow", "fast"])
    assert table["scenario 情景"].tolist() == ["fast", "slow"]
    assert table["verdict 结论"].tolist() == ["best 最优", "worse 较差"]
    hits = compare.ranking_frame(
        [_run({"hit_rate": [0.1, 0.1]}), _run({"hit_rate": [0.2, 0.3]})], "hit_rate", ["lo", "hi"]
    )
    assert hits["scenario 情景"].iloc[0] == "hi"  # higher is better for a hit rate


def test_a_kpi_label_carries_english_chinese_and_unit():
    assert compare.kpi_label("inspection_rate") == "Inspection rate 查验率 (%)"
    entry = compare.catalogue_frame(["unfinished_share"]).iloc[0]
    assert (entry["中文"], entry["bounds 界限"]) == ("未完成比例", "[0, 100]")


def test_an_upload_resolves_extends_like_the_same_file_saved_beside_the_bases():
    text = (SCENARIOS / "staff_shortage.yaml").read_bytes()
    uploaded = parse_upload(text, "mine.yaml", SCENARIOS)
    assert digest(uploaded) == digest(load_scenario(SCENARIOS / "staff_shortage.yaml"))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"a: &a [*a]\n", "alias refers to its own anchor"),
        (b"x" * 300_000, "larger than the limit"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"- 1\n- 2\n", "expected a mapping"),
        (b"extends: /etc/passwd\nname: x\n", "is not a scenario file of the app"),
        (b"extends: nosuch.yaml\nname: x\n", "is not a scenario file of the app"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_upload_and_the_problem(data, problem):
    with pytest.raises(ScenarioError) as err:
        parse_upload(data, "up.yaml", SCENARIOS)
    assert err.value.file == "up.yaml (upload)"
    assert problem in " ".join(err.value.problems)


def test_a_variant_never_overwrites_and_only_app_saved_files_are_renamed(tmp_path):
    reform = load_scenario(SCENARIOS / "reform_2014.yaml")
    path, named = save_variant(reform, "v1", tmp_path)
    assert load_scenario(path).name == "v1" == named.name
    with pytest.raises(ScenarioError, match="exists already"):
        save_variant(reform, "v1", tmp_path)
    (tmp_path / "hand.yaml").write_text(path.read_text().split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(ScenarioError, match="only a variant saved from the app"):
        rename_variant(tmp_path, "hand.yaml", "other")
    new, _ = rename_variant(tmp_path, "v1.yaml", "v2")
    assert not path.exists() and load_scenario(new).name == "v2"


def test_chart_text_keeps_its_chinese_where_the_cjk_font_is_installed():
    from ftztwin.appkit import bilingual_charts

    if os.environ.get("CI") == "true":  # make test installs fonts-wqy-microhei
        assert bilingual_charts.CJK_FONT is not None
    if bilingual_charts.CJK_FONT is None:
        assert bilingual_charts.text("Queue 排队") == "Queue"  # never drawn as empty boxes
    else:
        assert bilingual_charts.text("Queue 排队") == "Queue 排队"
    long = pd.DataFrame(
        [("hit_rate", "a", 0.2, 0.1, 0.3, 3, 0), ("hit_rate", "b", 0.25, 0.2, 0.3, 3, 0)],
        columns=["kpi", "scenario", "mean", "ci95_low", "ci95_high", "n", "n_missing"],
    )
    png = bilingual_charts.comparison_png(long, "hit_rate")
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
