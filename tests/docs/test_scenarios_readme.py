"""scenarios/README.md documents every lever of the scenario with its plan section."""

from __future__ import annotations

import re

from ftz_spec import Levers
from ftz_spec.levers import Targeting
from tests.conftest import ROOT

README = ROOT / "scenarios" / "README.md"
# A section of the plan: 二(三)2 四, 三(二)3, 四(二)2 …
SECTION = re.compile(r"[一二三四五]\([一二三四五六七八九十]+\)")


def _lever_rows() -> dict[str, tuple[str, str]]:
    """Lever name → (effect, plan) from the README's levers table."""
    text = README.read_text(encoding="utf-8")
    table = text.split("## Levers", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        # lever | effect | [direction |] plan
        if len(cells) in (3, 4) and cells[0].startswith("`"):
            for name in re.findall(r"`([^`]+)`", cells[0]):
                rows[name] = (cells[1], cells[-1])
    return rows


def test_every_lever_has_a_row_in_the_readme_with_its_effect_and_plan_section():
    rows = _lever_rows()
    missing = sorted(set(Levers.model_fields) - set(rows))
    assert missing == []
    for name in Levers.model_fields:
        effect, plan = rows[name]
        assert len(effect) > 20, name
        assert SECTION.search(plan), (name, plan)


def test_every_targeting_setting_is_explained_in_the_targeting_row():
    effect, _ = _lever_rows()["targeting"]
    assert [f for f in Targeting.model_fields if f"`{f}`" not in effect] == []
