"""Dotted paths address scenario fields by key, position or identifying fields."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftztwin.sweep.paths import PathSyntaxError, apply, get_path, parse_path

DATA = {
    "levers": {"h986": {"yangshan_port": 2}},
    "site": {
        "staff_pools": [{"id": "insp_ys", "count": 75}, {"id": "gate_ys", "count": 18}],
        "gates": [
            {"id": "gate_2L_01", "zone": "yangshan_port", "lanes": 4},
            {"id": "gate_2L_01", "zone": "pudong_airport", "lanes": 3},
        ],
    },
}


def test_list_items_are_addressed_by_id():
    assert get_path(DATA, parse_path("site.staff_pools[id=gate_ys].count")) == 18


def test_list_items_are_addressed_by_several_fields_when_an_id_repeats():
    path = parse_path("site.gates[zone=pudong_airport,id=gate_2L_01].lanes")
    assert get_path(DATA, path) == 3


def test_an_ambiguous_selector_is_refused():
    with pytest.raises(PathSyntaxError, match="matches 2 items"):
        get_path(DATA, parse_path("site.gates[id=gate_2L_01].lanes"))


def test_an_unknown_id_names_the_ids_there_are():
    with pytest.raises(PathSyntaxError, match="ids: insp_ys, gate_ys"):
        get_path(DATA, parse_path("site.staff_pools[id=nope].count"))


def test_positions_address_list_items():
    assert get_path(DATA, parse_path("site.staff_pools[1].id")) == "gate_ys"


def test_the_last_key_of_a_mapping_may_be_new_but_not_a_middle_one():
    out = apply(DATA, {"levers.h986.pudong_airport": 1})
    assert out["levers"]["h986"] == {"yangshan_port": 2, "pudong_airport": 1}
    with pytest.raises(PathSyntaxError, match="no field 'nope'"):
        apply(DATA, {"levers.nope.x": 1})


@pytest.mark.parametrize("text", ["", "a..b", "a[", "a[x]", "a[id=]", "1a"])
def test_malformed_paths_are_refused(text):
    with pytest.raises(PathSyntaxError):
        parse_path(text)


@settings(deadline=None)  # the machine is shared: timing is not the property
@given(st.integers(0, 500), st.sampled_from(["insp_ys", "gate_ys"]))
def test_apply_sets_the_value_and_leaves_the_input_untouched(count, pool):
    path = f"site.staff_pools[id={pool}].count"
    out = apply(DATA, {path: count})
    assert get_path(out, parse_path(path)) == count
    assert get_path(DATA, parse_path("site.staff_pools[id=insp_ys].count")) == 75
