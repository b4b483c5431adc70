"""The closed loop (闭合管理回路) hears each shipment's result once, whoever found it."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.twin.helpers import variant
from twin.experiment import run_replication
from twin.targeting import AnalystDesk

# Many misclassified and hidden goods, all caught by the computer at declaration
# (pre-classification, the three-document check), many of them on the documentary lane.
CAUGHT_AT_DECLARATION = {
    "traffic_scale": 0.3,
    "enterprises": {"violation_scale": 6.0},
    "pre_classification_detection": 1.0,
    "manifest_shows_hidden": 1.0,
}

# Most declarations to documentary review, which also reports its result.
DOCUMENTS = {
    "lanes": {
        "expected_rates": {"physical": 0.0, "scan": 0.0, "documentary": 0.6, "post_audit": 0.0}
    },
    "plans": [],
}


@pytest.fixture(scope="module")
def reported(monkeypatch_module):
    seen: Counter[str] = Counter()
    original = AnalystDesk.feed_back

    def spy(self, case, result):
        # Clearance reports through twin.review; a post-clearance audit check of the same
        # declaration is a second, later result and reports on its own.
        if Path(sys._getframe(1).f_code.co_filename).name == "review.py":
            seen[case.case_id] += 1
        original(self, case, result)

    monkeypatch_module.setattr(AnalystDesk, "feed_back", spy)
    levers = {"pre_classification": True, "three_document_check": True, "risk_policy": DOCUMENTS}
    scenario = variant(horizon_h=12.0, warmup_h=1.0, levers=levers,
                       uncertainties=CAUGHT_AT_DECLARATION)  # fmt: skip
    kpis = run_replication(scenario, 0).kpis
    return seen, kpis


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_a_violation_the_computer_finds_reaches_the_risk_table_once_from_clearance(reported):
    seen, kpis = reported
    assert kpis["violations_found[kind=misclassification]"] > 0
    assert kpis["violations_found[kind=smuggling]"] > 0
    twice = {cid: n for cid, n in seen.items() if n > 1}
    assert twice == {}
