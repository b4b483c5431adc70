"""The credit-class rule holds in every shipped phase, beside the published 2019 rates.

The rule (企业信用管理) bounds each class's average inspection rate against general credit
(一般信用): advanced-certified ≤ 20 %, general-certified ≤ 50 %, dishonest ≥ 80 %. It is
measured when the lane is decided (``decided_inspection_rate``): a case still in
inspection at the horizon counts. Only the statutory random minimum is never balanced
away, so a class may exceed its ceiling by the luck of those draws: 3 σ of their count.
"""

from __future__ import annotations

import math

import pytest

from core.risk import CreditClass
from ftz_spec.risk import risk_setup
from tests.twin.helpers import variant
from twin.experiment import run_replication

pytestmark = pytest.mark.slow

# Published 2019 average inspection rates by credit class (GAC), for comparison.
PUBLISHED_2019 = {
    CreditClass.ADVANCED_CERTIFIED: 0.0057,
    CreditClass.GENERAL_CERTIFIED: 0.0169,
    CreditClass.GENERAL_CREDIT: 0.0244,
    CreditClass.DISHONEST: 0.8476,
}
PHASES = ("baseline_2013", "near_term_jun_2014", "mid_term_dec_2014", "reform_2014")


def _rates(name: str):
    scenario = variant(name, horizon_h=24.0, warmup_h=2.0)
    k = run_replication(scenario, 0).kpis
    rates = {c: k[f"decided_inspection_rate[credit={c.value}]"] for c in CreditClass}
    return scenario, k, rates


@pytest.fixture(scope="module", params=PHASES)
def phase(request):
    return _rates(request.param)


def test_every_phase_keeps_each_class_within_the_credit_rule(phase):
    scenario, k, rates = phase
    policy = risk_setup(scenario).policy
    general = rates[CreditClass.GENERAL_CREDIT]
    assert general > 0
    n = k["trucks_cleared"] * 0.05  # each certified class ships ≥ 5 % of the trucks
    for cls, ceiling in policy.credit_rule.ceilings.items():
        minimum = policy.random.rate(cls) * policy.random.minimum_share
        assert rates[cls] <= ceiling * general + 3 * math.sqrt(minimum / n), (cls, rates)
    assert rates[CreditClass.DISHONEST] >= policy.credit_rule.dishonest_floor, rates


def test_classes_are_inspected_in_the_published_order_and_the_same_range(phase):
    _, _, rates = phase
    order = list(PUBLISHED_2019)
    assert [rates[c] for c in order] == sorted(rates[c] for c in order), rates
    for cls, published in PUBLISHED_2019.items():
        # Same order of magnitude: the defaults are assumptions, not a calibration.
        assert published / 5 <= rates[cls] <= published * 5, (cls, rates[cls], published)
