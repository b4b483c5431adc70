"""The shift model: rosters that cover every hour's requirement, run as the twin reads them."""

from __future__ import annotations

import pytest
import simpy
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ftz_spec import StaffPool, parse_scenario
from ftz_spec.errors import UserError
from ftz_spec.site import Shift
from ftztwin.staffing import schedule
from ftztwin.staffing.candidate import with_shifts
from ftztwin.staffing.shifts import hourly_shifts
from tests.conftest import MINIMAL
from twin.staff import Staff, on_duty

DAY = [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 5, 6, 6, 6, 5, 4, 3, 3, 2, 2, 1, 1]


def weekly(day, weekend=None):
    return [(weekend or day)[h % 24] if h >= 120 else day[h % 24] for h in range(168)]


@settings(max_examples=12)
@given(st.lists(st.integers(0, 7), min_size=24, max_size=24), st.sampled_from(["8h", "12h"]))
def test_the_roster_covers_every_hours_requirement(day, family):
    need = weekly(day, [max(0, x - 1) for x in day])
    plan = schedule(need, family, 0.9)
    assert plan.short_hours == []
    assert all(c >= r for c, r in zip(plan.cover, need, strict=True))


def test_the_roster_is_never_dearer_than_covering_each_hour_by_itself():
    need = weekly(DAY)
    plan = schedule(need, "8h", 0.9)
    assert sum(need) <= plan.work_h <= sum(need) * 1.2  # a day's shape costs little waste
    assert plan.headcount == with_shifts(StaffPool(id="p", role="gate", count=0), plan.shifts).count


def test_the_twin_runs_the_roster_with_exactly_its_officers_on_duty():
    plan = schedule(weekly(DAY), "8h", 0.9)
    pool = with_shifts(StaffPool(id="p", role="gate", count=0), plan.shifts)
    assert [on_duty(pool, h) for h in range(168)] == list(plan.cover)
    env = simpy.Environment()
    unit = Staff(env, (pool,)).units["p"]
    seen = []

    def probe():
        for _ in range(96):
            yield env.timeout(1800)
            seen.append((int(env.now // 3600), unit.resource.capacity - len(unit.resource.users)))

    env.process(probe())
    env.run(until=48 * 3600)
    assert all(free == plan.cover[h % 168] for h, free in seen)


def test_a_meal_break_takes_one_hour_off_duty():
    shift = Shift(start_h=8, length_h=9, officers=3, days=("mon",), break_at_h=4)
    pool = StaffPool(id="p", role="gate", count=5, shifts=(shift,))
    assert [on_duty(pool, h) for h in range(7, 18)] == [0, 3, 3, 3, 3, 0, 3, 3, 3, 3, 0]
    assert shift.work_h == 8


def test_a_night_shift_on_sunday_runs_into_monday_morning():
    shift = Shift(start_h=22, length_h=8, officers=2, days=("sun",))
    assert sorted(shift.hours_of_week()) == [0, 1, 2, 3, 4, 5, 166, 167]


def test_office_shifts_leave_the_night_uncovered_and_say_so():
    plan = schedule(weekly([1] * 24), "office", 0.9)
    assert 3 in plan.uncoverable and 130 in plan.uncoverable  # Monday 03:00, Saturday
    assert plan.short_hours == []
    assert max(plan.cover[:8]) == 0


def test_hourly_positions_put_exactly_the_requirement_on_duty():
    need = weekly(DAY)
    pool = with_shifts(StaffPool(id="p", role="gate", count=0), hourly_shifts(need))
    assert [on_duty(pool, h) for h in range(168)] == need


def test_a_headcount_below_what_the_shifts_need_is_an_error_naming_the_field():
    data = yaml.safe_load(MINIMAL)
    data["site"]["staff_pools"][1]["shifts"] = [{"start_h": 0, "length_h": 8, "officers": 3}]
    data["site"]["staff_pools"][1]["count"] = 4
    with pytest.raises(UserError, match=r"staff_pools\[1\]\.count: the shifts need 5 officers"):
        parse_scenario(data, "tiny")
    data["site"]["staff_pools"][1]["shifts"][0]["break_at_h"] = 8
    with pytest.raises(UserError, match=r"shifts\[0\]\.break_at_h"):
        parse_scenario(data, "tiny")


def test_a_scenario_without_shifts_keeps_its_roster_pattern():
    tiny = parse_scenario(yaml.safe_load(MINIMAL), "tiny")
    pool = tiny.site.staff_pools[0]
    assert pool.shifts == ()
    assert on_duty(pool, 3) == round(8 * 0.9 * 40 / 168)
