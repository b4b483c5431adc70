"""Single window (单一窗口) and one filing (一次备案、多次使用): the trader's side, paired."""

from __future__ import annotations

import pytest

from tests.twin.paired import difference, excludes_zero, pair_variant, runs

REPS = 3


@pytest.fixture(scope="module")
def paired():
    def scenario(on: bool):
        return pair_variant(
            "reform_2014", 10.0, 2.0,
            levers={"single_window": on, "one_filing": on},
            uncertainties={"traffic_scale": 0.4},
        )  # fmt: skip

    return runs(scenario(False), REPS), runs(scenario(True), REPS)


@pytest.mark.parametrize(
    "kpi",
    [
        "filings_per_declaration",
        "fields_keyed_per_declaration",
        "fields_reentered_per_declaration",
        "filing_h_per_declaration",
        "agency_wait_h_mean",
        "record_filings",
        "clearance_time_min_mean",
    ],
)
def test_single_window_and_one_filing_cut_the_traders_work_and_waits(paired, kpi):
    off, on = paired
    iv = difference(off, on, kpi)
    assert iv.mean < 0 and excludes_zero(iv), (kpi, iv)


def test_with_a_single_window_nothing_is_keyed_twice_for_the_same_shipment(paired):
    _, on = paired
    # Only record filings of new goods items could repeat fields, and one filing stops that.
    assert all(k["fields_reentered_per_declaration"] == 0 for k in on)
    assert all(k["filings_per_declaration"] > 1 for k in paired[0])


def test_without_the_reforms_each_agency_is_filed_and_answers_separately(paired):
    off, on = paired
    for a, b in zip(off, on, strict=True):
        assert a["agency_wait_h_mean"] > 2 * b["agency_wait_h_mean"]
