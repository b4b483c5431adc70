"""``extends:`` merges a variant onto its base before validation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ftz_spec import load_scenario, merge


def test_variant_overrides_a_nested_value_and_keeps_the_rest(write_yaml, minimal_yaml):
    write_yaml("base.yaml", minimal_yaml)
    variant = write_yaml("v.yaml", "extends: base.yaml\nname: v\nrun: {seed: 99}\n")
    s = load_scenario(variant)
    assert (s.name, s.run.seed, s.run.horizon_h) == ("v", 99, 4)
    assert s.extends is None


def test_lists_of_items_with_ids_merge_by_id(write_yaml, minimal_yaml):
    write_yaml("base.yaml", minimal_yaml)
    variant = write_yaml(
        "v.yaml",
        "extends: base.yaml\nsite:\n  gates: [{id: g1, lanes: 5}]\n"
        "  staff_pools: [{id: extra, role: gate, zone: z1, count: 3}]\n",
    )
    s = load_scenario(variant)
    assert s.site.gates[0].lanes == 5 and s.site.gates[0].line == "second"
    assert [p.id for p in s.site.staff_pools] == ["officers", "docs", "inspectors", "extra"]


def test_null_in_a_variant_removes_the_key(write_yaml, minimal_yaml):
    write_yaml("base.yaml", minimal_yaml)
    variant = write_yaml("v.yaml", "extends: base.yaml\nrun: {seed: null}\n")
    assert load_scenario(variant).run.seed == 20140101  # back to the model default


def test_chained_extends_apply_in_order(write_yaml, minimal_yaml):
    write_yaml("a.yaml", minimal_yaml)
    write_yaml("b.yaml", "extends: a.yaml\nrun: {seed: 1, replications: 3}\n")
    c = write_yaml("c.yaml", "extends: b.yaml\nrun: {seed: 2}\n")
    s = load_scenario(c)
    assert (s.run.seed, s.run.replications) == (2, 3)


json_values = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=2), kids, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=2), json_values, max_size=4))
def test_merging_onto_an_empty_base_drops_only_nulls(override):
    merged = merge({}, override)
    assert merged == {k: v for k, v in override.items() if v is not None}


@given(st.dictionaries(st.text(max_size=2), json_values, max_size=4))
def test_merging_an_empty_override_changes_nothing(base):
    assert merge(base, {}) == base


def test_gates_with_the_same_id_in_two_zones_merge_by_zone(write_yaml):
    write_yaml(
        "base.yaml",
        """
name: two
site:
  zones: [{id: a, name: A}, {id: b, name: B}]
  gates: [{id: g1, zone: a, line: second, lanes: 1}, {id: g1, zone: b, line: second, lanes: 1}]
  staff_pools: [{id: s, role: gate, count: 4}, {id: d, role: document_review, count: 4}, {id: i, role: inspection, count: 10}]
""",
    )
    variant = write_yaml(
        "v.yaml", "extends: base.yaml\nsite:\n  gates: [{id: g1, zone: b, lanes: 9}]\n"
    )
    s = load_scenario(variant)
    assert [(g.zone, g.lanes) for g in s.site.gates] == [("a", 1), ("b", 9)]


def test_an_override_matching_two_base_items_is_an_error_naming_the_id(write_yaml, capsys):
    from ftztwin.cli import main

    write_yaml(
        "base.yaml",
        "name: two\nsite:\n  zones: [{id: a, name: A}, {id: b, name: B}]\n"
        "  gates: [{id: g1, zone: a, line: second, lanes: 1}, {id: g1, zone: b, line: second, lanes: 1}]\n",
    )
    variant = write_yaml("v.yaml", "extends: base.yaml\nsite:\n  gates: [{id: g1, lanes: 9}]\n")
    assert main(["validate", str(variant)]) == 2
    assert "item id 'g1' is ambiguous" in capsys.readouterr().err
