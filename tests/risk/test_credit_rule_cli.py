"""A scenario whose risk policy cannot meet the credit rule is refused by the installed CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS

FTZTWIN = Path(sys.executable).parent / "ftztwin"


@pytest.mark.parametrize(
    ("random", "expected"),
    [
        (
            "{ratios: {advanced_certified: 0.9, general_certified: 0.95}, dishonest_rate: 0.05}",
            "levers.risk_policy: policy: random.ratios.advanced_certified: 0.9 above the credit "
            "rule's ceiling 0.2",
        ),
        (
            "{dishonest_rate: 0.05}",
            "levers.risk_policy: policy: random.dishonest_rate: 0.05 below the credit rule's "
            "floor 0.8",
        ),
    ],
)
def test_ftztwin_validate_refuses_rates_the_credit_rule_cannot_meet_naming_class_and_ratio(
    tmp_path, random, expected
):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f"extends: {SCENARIOS / 'reform_2014.yaml'}\nname: bad_credit\n"
        f"levers:\n  risk_policy:\n    random: {random}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [str(FTZTWIN), "validate", bad.name], cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert f"bad.yaml: {expected}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_with_the_rule_switched_off_the_same_rates_validate(tmp_path):
    what_if = tmp_path / "what_if.yaml"
    what_if.write_text(
        f"extends: {SCENARIOS / 'reform_2014.yaml'}\nname: what_if\nlevers:\n  risk_policy:\n"
        "    random: {ratios: {advanced_certified: 0.9, general_certified: 0.95}, "
        "dishonest_rate: 0.05}\n    credit_rule: {enforce: false}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [str(FTZTWIN), "validate", what_if.name], cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
