import math

import pytest

from core.risk import (
    ControlBook,
    ControlError,
    CreditClass,
    Enterprise,
    Lane,
    RiskEngine,
    SelectionBasis,
    TargetedControl,
)
from tests.risk.helpers import binomial_tolerance, declaration, quiet_policy, table

DAY = 86_400.0
E1 = Enterprise("E1", CreditClass.GENERAL_CREDIT)


def _control(**kw):
    base = dict(control_id="BK-1", lane=Lane.PHYSICAL, target_rate=1.0, start_s=0.0, end_s=10 * DAY)
    base.update(kw)
    return TargetedControl(**base)


def test_targeted_control_sends_in_scope_declarations_to_its_lane_with_its_id():
    engine = RiskEngine(
        table(),
        quiet_policy(),
        controls=[_control(hs_prefixes=frozenset({"2402"}), reason="intel")],
    )
    hit = engine.assess(declaration("A", hs_code="2402200000"), E1, DAY)
    miss = engine.assess(declaration("B", hs_code="8471300000"), E1, DAY)
    assert (hit.lane, hit.basis, hit.control_id) == (
        Lane.PHYSICAL,
        SelectionBasis.TARGETED_CONTROL,
        "BK-1",
    )
    assert any("targeted_control(布控) BK-1" in r and "intel" in r for r in hit.reasons)
    assert (miss.lane, miss.control_id) == (Lane.AUTO_RELEASE, "")


def test_expired_targeted_control_stops_selecting():
    engine = RiskEngine(table(), quiet_policy(), controls=[_control(end_s=5 * DAY)])
    assert engine.assess(declaration("A"), E1, 4 * DAY).basis is SelectionBasis.TARGETED_CONTROL
    late = engine.assess(declaration("B"), E1, 5 * DAY)
    assert late.lane is Lane.AUTO_RELEASE
    assert late.control_id == ""


def test_targeted_control_not_yet_started_selects_nothing():
    engine = RiskEngine(table(), quiet_policy(), controls=[_control(start_s=2 * DAY)])
    assert engine.assess(declaration("A"), E1, DAY).lane is Lane.AUTO_RELEASE
    assert engine.assess(declaration("B"), E1, 2 * DAY).lane is Lane.PHYSICAL


def test_targeted_control_selects_its_target_rate_within_binomial_tolerance():
    engine = RiskEngine(
        table(), quiet_policy(), seed=9, controls=[_control(target_rate=0.3, lane=Lane.SCAN)]
    )
    n = 20_000
    ds = [engine.assess(declaration(f"D{i}"), E1, 0.0) for i in range(n)]
    share = sum(d.lane is Lane.SCAN for d in ds) / n
    assert abs(share - 0.3) < binomial_tolerance(0.3, n)


def test_scope_needs_hs_and_origin_to_meet_on_one_goods_line():
    from core.risk import Declaration, GoodsLine, Procedure

    c = _control(
        hs_prefixes=frozenset({"85"}), origins=frozenset({"VN"}), enterprises=frozenset({"E1"})
    )
    lines = (GoodsLine("8517000000", "DE", 1, 1), GoodsLine("8471000000", "VN", 1, 1))
    assert not c.matches(Declaration("D", "E1", Procedure.FIRST_LINE_ENTRY, "z", lines))
    lines2 = (*lines, GoodsLine("8542000000", "VN", 1, 1))
    assert c.matches(Declaration("D", "E1", Procedure.FIRST_LINE_ENTRY, "z", lines2))
    assert not c.matches(Declaration("D", "E2", Procedure.FIRST_LINE_ENTRY, "z", lines2))


def test_overlapping_controls_with_conflicting_targets_are_rejected_naming_both():
    a = _control(control_id="BK-A", hs_prefixes=frozenset({"85"}), target_rate=0.5)
    b = _control(
        control_id="BK-B",
        hs_prefixes=frozenset({"8517"}),
        target_rate=0.2,
        start_s=5 * DAY,
        end_s=20 * DAY,
    )
    with pytest.raises(
        ControlError, match=r"control 'BK-B' .*overlaps control 'BK-A'.*conflicting target"
    ):
        ControlBook([a, b])


@pytest.mark.parametrize(
    "other",
    [
        dict(hs_prefixes=frozenset({"84"})),  # different goods
        dict(start_s=10 * DAY, end_s=11 * DAY),  # one ends as the other starts
        dict(zones=frozenset({"pudong_airport"})),  # different zone
        dict(target_rate=0.5),  # same target is no conflict
    ],
)
def test_controls_that_cannot_conflict_are_accepted(other):
    a = _control(
        control_id="BK-A",
        hs_prefixes=frozenset({"85"}),
        zones=frozenset({"yangshan_port"}),
        target_rate=0.5,
    )
    kw = dict(control_id="BK-B", hs_prefixes=frozenset({"8517"}), target_rate=0.2) | other
    book = ControlBook([a, _control(**kw)])
    assert len(book.controls) == 2


def test_adding_a_conflicting_control_at_run_time_is_refused_and_keeps_the_book():
    engine = RiskEngine(table(), quiet_policy(), controls=[_control(control_id="BK-A")])
    with pytest.raises(ControlError, match="BK-B"):
        engine.add_control(_control(control_id="BK-B", lane=Lane.SCAN))
    assert [c.control_id for c in engine.controls.controls] == ["BK-A"]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(target_rate=1.5), r"control 'BK-1': target_rate 1.5 outside \[0, 1\]"),
        (dict(end_s=0.0), "not before end_s"),
        (dict(lane=Lane.AUTO_RELEASE), "selects nothing"),
        (dict(hs_prefixes=frozenset({"8a"})), "hs prefix"),
    ],
)
def test_malformed_control_is_rejected_naming_it(kw, match):
    with pytest.raises(ControlError, match=match):
        _control(**kw)


def test_controls_from_mappings_name_the_entry_on_error():
    good = {"control_id": "A", "lane": "scan", "target_rate": 0.2, "hs_prefixes": ["85"]}
    assert ControlBook.from_mappings([good]).controls[0].end_s == math.inf
    with pytest.raises(ControlError, match=r"controls\[1\]: .*target_rate 2"):
        ControlBook.from_mappings([good, dict(good, control_id="B", target_rate=2)])
    with pytest.raises(ControlError, match=r"controls\[0\]: unknown key"):
        ControlBook.from_mappings([dict(good, colour="red")])
    with pytest.raises(ControlError, match=r"controls\[0\]: .*hs_prefixes: expected a list"):
        ControlBook.from_mappings([dict(good, hs_prefixes="85")])
    with pytest.raises(ControlError, match=r"controls\[0\]: missing or bad value"):
        ControlBook.from_mappings([dict(good, lane="teleport")])


def _linear_first_hit(controls, d, now):
    """The reference: scan every control in force, enterprise-scoped ones first."""
    active = [c for c in controls if c.is_active(now) and c.matches(d)]
    return sorted(active, key=lambda c: not c.enterprises)


def test_the_enterprise_index_finds_the_same_controls_as_a_full_scan():
    controls = [
        _control(control_id=f"E{i}", enterprises=frozenset({f"E{i % 7}"}),
                 hs_prefixes=frozenset({f"{84 + i % 3}"}), start_s=i * 100.0)
        for i in range(40)
    ] + [_control(control_id="ALL", hs_prefixes=frozenset({"85"}), target_rate=1.0)]  # fmt: skip
    book = ControlBook(controls)
    for i in range(200):
        d = declaration(f"D{i}", f"E{i % 9}", hs_code=f"{84 + i % 3}71300000")
        now = float(i * 37)
        want = _linear_first_hit(controls, d, now)
        got = [c for c in book.candidates(d, now) if c.matches(d)]
        assert [c.control_id for c in got] == [c.control_id for c in want]


def test_an_enterprise_scoped_control_takes_precedence_over_a_broader_one():
    broad = _control(control_id="IPR", hs_prefixes=frozenset({"42"}), target_rate=0.03)
    lead = _control(
        control_id="BK-A1", enterprises=frozenset({"E1"}), hs_prefixes=frozenset({"42"}),
        lane=Lane.SCAN, target_rate=1.0,
    )  # fmt: skip
    engine = RiskEngine(table(), quiet_policy(), controls=[broad, lead])  # no conflict
    d = engine.assess(declaration("A", hs_code="4202000000"), E1, DAY)
    assert (d.control_id, d.lane) == ("BK-A1", Lane.SCAN)


def test_a_withdrawn_control_stops_selecting_and_expired_ones_are_pruned_on_add():
    engine = RiskEngine(table(), quiet_policy(), controls=[_control(end_s=2 * DAY)])
    engine.withdraw_control("BK-1")
    assert engine.assess(declaration("A"), E1, DAY).lane is Lane.AUTO_RELEASE
    engine.add_control(_control(control_id="BK-2", end_s=2 * DAY))
    engine.add_control(_control(control_id="BK-3", start_s=3 * DAY, end_s=4 * DAY), now=3 * DAY)
    assert [c.control_id for c in engine.controls.controls] == ["BK-3"]
    engine.withdraw_control("nope")  # unknown ids are ignored
    assert engine.controls.get("BK-3") is not None
