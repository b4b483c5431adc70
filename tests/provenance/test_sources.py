"""Every number of a scenario can be traced: inline sources, sources by path, extends layers."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ftz_spec import canonical_yaml, digest, load_scenario, parse_scenario
from ftz_spec.errors import ScenarioError
from ftz_spec.provenance import parameters
from ftztwin.cli import main

PLAN = "{kind: plan, section: 三(一)3}"


def _source_of(scenario, path):
    found = [p for p in parameters(scenario) if p.leaf.path == path]
    assert found, path
    return found[0].source


def test_a_value_written_with_its_source_takes_that_source(write_yaml, minimal_yaml):
    write_yaml("base.yaml", minimal_yaml)
    v = write_yaml(
        "v.yaml",
        "extends: base.yaml\nsite:\n  gates:\n    - id: g1\n"
        "      lanes: {value: 3, source: {kind: assumption, note: three lanes}}\n",
    )
    s = load_scenario(v)
    assert s.site.gates[0].lanes == 3
    assert _source_of(s, "site.gates[id=g1].lanes").note == "three lanes"


def test_a_source_key_inside_a_mapping_covers_every_number_under_it(write_yaml, minimal_yaml):
    data = yaml.safe_load(minimal_yaml)
    data["uncertainties"]["times"] = {
        "scan_s": {"dist": "triangular", "low": 100, "mode": 120, "high": 200,
                   "source": {"kind": "assumption", "note": "scans"}}
    }  # fmt: skip
    base = write_yaml("base.yaml", yaml.safe_dump(data, allow_unicode=True))
    s = load_scenario(base)
    for leaf in ("low", "mode", "high"):
        assert _source_of(s, f"uncertainties.times.scan_s.{leaf}").note == "scans"


def test_the_most_specific_path_wins(write_yaml, minimal_yaml):
    base = write_yaml(
        "base.yaml",
        minimal_yaml
        + "sources:\n"
        + "  site.staff_pools[*].count: {kind: assumption, note: all pools}\n"
        + f"  site.staff_pools[id=docs].count: {PLAN}\n",
    )
    s = load_scenario(base)
    assert _source_of(s, "site.staff_pools[id=docs].count").kind == "plan"
    assert _source_of(s, "site.staff_pools[id=officers].count").note == "all pools"


def test_a_variant_that_changes_a_value_without_a_source_leaves_it_unmarked(
    write_yaml, minimal_yaml
):
    write_yaml(
        "base.yaml",
        minimal_yaml + "sources:\n  site.staff_pools[*].count: {kind: assumption, note: guess}\n",
    )
    v = write_yaml("v.yaml", "extends: base.yaml\nsite:\n  staff_pools: [{id: docs, count: 9}]\n")
    s = load_scenario(v)
    assert _source_of(s, "site.staff_pools[id=docs].count") is None
    assert _source_of(s, "site.staff_pools[id=officers].count").note == "guess"


def test_a_variant_that_gives_its_own_source_takes_it(write_yaml, minimal_yaml):
    write_yaml(
        "base.yaml",
        minimal_yaml + "sources:\n  site.staff_pools[*].count: {kind: assumption, note: guess}\n",
    )
    v = write_yaml(
        "v.yaml",
        "extends: base.yaml\nsite:\n  staff_pools: [{id: docs, count: 9}]\n"
        f"sources:\n  site.staff_pools[id=docs].count: {PLAN}\n",
    )
    assert _source_of(load_scenario(v), "site.staff_pools[id=docs].count").kind == "plan"


def test_a_null_source_retracts_the_base_source(write_yaml, minimal_yaml):
    write_yaml(
        "base.yaml",
        minimal_yaml
        + "sources:\n  uncertainties.flows[*].trucks_per_day: {kind: assumption, note: x}\n",
    )
    v = write_yaml(
        "v.yaml", "extends: base.yaml\nsources:\n  uncertainties.flows[*].trucks_per_day: null\n"
    )
    assert _source_of(load_scenario(v), "uncertainties.flows[id=out].trucks_per_day") is None


def test_inline_and_by_path_give_the_same_canonical_yaml_and_digest(write_yaml, minimal_yaml):
    a = write_yaml(
        "a.yaml",
        minimal_yaml.replace(
            "trucks_per_day: 720", f"trucks_per_day: {{value: 720, source: {PLAN}}}"
        ),
    )
    b = write_yaml(
        "b.yaml", minimal_yaml + f"sources:\n  uncertainties.flows[id=out].trucks_per_day: {PLAN}\n"
    )
    sa, sb = load_scenario(a), load_scenario(b)
    assert canonical_yaml(sa) == canonical_yaml(sb)
    assert digest(sa) == digest(sb)
    assert digest(sa) != digest(load_scenario(write_yaml("c.yaml", minimal_yaml)))


def test_the_resolved_yaml_loads_back_to_the_same_scenario_and_digest(scenario_files):
    for path in scenario_files:
        s = load_scenario(path)
        again = parse_scenario(yaml.safe_load(canonical_yaml(s)), "resolved")
        assert digest(again) == digest(s), path.name
        assert again.sources == s.sources


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{kind: plan}", "section: a plan source needs a section (got None)"),
        ("{kind: published, publication: X}", "url: a published source needs a url (got None)"),
        ("{kind: calibrated, file: log.csv}", "sha256: a calibrated source needs a sha256"),
        ("{kind: assumption}", "note: an assumption source needs a note (got '')"),
        ("{kind: rumour, note: x}", "kind: Input should be 'plan', 'published', 'assumption' or"),
        ("{kind: calibrated, file: l, sha256: abc}", "sha256: String should match pattern"),
    ],
)
def test_a_malformed_source_names_the_file_path_field_and_value_and_exits_2(
    source, message, write_yaml, minimal_yaml, capsys
):
    bad = write_yaml("bad.yaml", minimal_yaml + f"sources:\n  site.gates[id=g1].lanes: {source}\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: sources['site.gates[id=g1].lanes'].{message}" in err
    assert "Traceback" not in err


def test_a_source_for_a_path_that_names_no_parameter_is_refused(write_yaml, minimal_yaml, capsys):
    bad = write_yaml(
        "bad.yaml", minimal_yaml + "sources:\n  run.seed: {kind: assumption, note: lucky}\n"
    )
    assert main(["validate", str(bad)]) == 2
    assert (
        f"{bad}: sources['run.seed']: names no parameter of the scenario" in capsys.readouterr().err
    )


def test_an_inline_malformed_source_names_the_value_it_sits_beside(
    write_yaml, minimal_yaml, capsys
):
    bad = write_yaml(
        "bad.yaml",
        minimal_yaml.replace(
            "trucks_per_day: 720", "trucks_per_day: {value: 720, source: {kind: plan}}"
        ),
    )
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{bad}: uncertainties.flows[zone=z1,id=out].trucks_per_day.source.section: a plan source needs a section"
        in err
    )


def test_a_source_path_that_is_not_a_path_is_refused(write_yaml, minimal_yaml):
    bad = write_yaml(
        "bad.yaml", minimal_yaml + "sources:\n  'site..x[': {kind: assumption, note: x}\n"
    )
    with pytest.raises(ScenarioError, match=r"sources\['site\.\.x\['\]: bad path segment"):
        load_scenario(bad)


POOLS = ("officers", "docs", "inspectors")
# Pools of the zone that serve it whatever counts a variant gives the pools under test
# (a count of 1 has nobody on duty, and the twin refuses a zone no pool on duty serves).
RESERVES = [
    {"id": f"reserve_{role}", "role": role, "zone": "z1", "count": 20}
    for role in ("gate", "document_review", "inspection")
]


@settings(max_examples=25)
@given(
    changed=st.dictionaries(
        st.sampled_from(POOLS), st.tuples(st.integers(1, 30), st.booleans()), max_size=3
    )
)
def test_each_value_takes_the_source_of_the_last_file_that_set_it(tmp_path_factory, changed):
    """Whatever a variant changes, and whether or not it says why, each count's source is
    the variant's own, none (changed silently) or the base's (not changed)."""
    from tests.conftest import MINIMAL

    folder = tmp_path_factory.mktemp("layers")
    base = yaml.safe_load(MINIMAL)
    base["site"]["staff_pools"] += RESERVES
    base["sources"] = {"site.staff_pools[*].count": {"kind": "assumption", "note": "base"}}
    (folder / "base.yaml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    pools = [{"id": p, "count": n} for p, (n, _) in changed.items()]
    sources = {
        f"site.staff_pools[id={p}].count": {"kind": "assumption", "note": f"variant {p}"}
        for p, (_, given_) in changed.items()
        if given_
    }
    doc = (
        {"extends": "base.yaml", "site": {"staff_pools": pools}}
        if pools
        else {"extends": "base.yaml"}
    )
    if sources:
        doc["sources"] = sources
    (folder / "v.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    s = load_scenario(folder / "v.yaml")
    for pool in POOLS:
        src = _source_of(s, f"site.staff_pools[id={pool}].count")
        if pool not in changed:
            assert src is not None and src.note == "base"
        elif changed[pool][1]:
            assert src is not None and src.note == f"variant {pool}"
        else:
            assert src is None
