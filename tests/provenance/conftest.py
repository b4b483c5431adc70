"""Fixtures of the provenance tests."""

from __future__ import annotations

import pytest

from tests.conftest import SCENARIOS


@pytest.fixture
def scenario_files():
    """Every shipped scenario file (those other engineers add included)."""
    return sorted(SCENARIOS.glob("*.yaml"))
