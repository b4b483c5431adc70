"""One catalogue names every KPI; every summary stays inside the catalogue's bounds."""

from __future__ import annotations

import math

import pytest

from tests.twin.helpers import variant
from twin.catalogue import CATALOGUE, HEADLINE, describe, is_known
from twin.experiment import run_experiment
from twin.readable import format_interval, format_value
from twin.stats import Interval
from twin.summary import summarise, value_of


@pytest.fixture(scope="module")
def two_replications():
    s = variant(horizon_h=6.0, warmup_h=1.0, uncertainties={"traffic_scale": 0.3})
    return run_experiment(s, 2)


def test_every_kpi_a_run_produces_is_in_the_catalogue(two_replications):
    names = {k for r in two_replications for k in r.kpis}
    unknown = sorted(k for k in names if not is_known(k))
    assert not unknown
    assert all(is_known(k) for k in HEADLINE)


def test_every_catalogue_entry_has_both_names_a_unit_and_a_meaning():
    for info in CATALOGUE.values():
        assert info.name_en and info.name_zh and info.unit and info.meaning, info.id
        assert any("\u4e00" <= ch <= "\u9fff" for ch in info.name_zh), info.id
        if info.kind == "proportion":
            assert info.bounds == (0.0, 1.0) and info.unit == "%"


def test_no_summary_interval_leaves_its_physical_bounds(two_replications):
    for k, iv in summarise(two_replications).items():
        lo, hi = describe(k).bounds
        for x in (iv.mean, iv.low, iv.high):
            if not math.isnan(x):
                assert lo is None or x >= lo - 1e-12, (k, iv)
                assert hi is None or x <= hi + 1e-12, (k, iv)


def test_a_kpi_absent_from_a_replication_counts_by_its_definition():
    class R:
        def __init__(self, r, kpis):
            self.replication, self.kpis = r, kpis

    results = [R(0, {"violations": 2.0, "wait_min_mean[x/lanes]": 4.0}), R(1, {})]
    assert value_of(results[1].kpis, "violations") == 0.0  # a count: none happened
    assert math.isnan(value_of(results[1].kpis, "wait_min_mean[x/lanes]"))  # nothing to measure
    assert value_of({"trucks_cleared": 9.0}, "lane_share[scan]") == 0.0  # no truck sent there
    assert math.isnan(value_of({}, "hit_rate[credit=dishonest]"))  # nobody inspected
    s = summarise(results, ["violations", "wait_min_mean[x/lanes]"])
    assert s["violations"].mean == 1.0 and s["violations"].n == 2
    assert s["wait_min_mean[x/lanes]"].n == 1 and s["wait_min_mean[x/lanes]"].missing == 1


def test_values_are_printed_with_units_and_without_exponents():
    assert format_value("trucks_observed", 32512.0) == "32,512 trucks"
    assert format_value("inspection_rate", 0.0412) == "4.12 %"
    assert format_value("clearance_time_min_mean", 17.56) == "17.6 min"
    iv = Interval(0.5, 0.4, 0.6, 3, 2)
    assert format_interval("hit_rate", iv) == "50.0 (40.0–60.0) [n/a in 2 of 5]"


def test_qualified_ids_get_their_qualifier_in_words_in_both_languages():
    label = describe("clearance_time_min_mean[flow=first_line_entry]")
    assert label.name_en == "Clearance time, mean, first-line entries"
    assert label.name_zh == "平均通关时间（一线进境）"
    assert (
        describe("inspection_rate[credit=dishonest]").denominator
        == "trucks_cleared[credit=dishonest]"
    )
    assert describe("wait_min_mean[staff/insp_ys]").name_en == "Wait, mean at staff/insp_ys"
