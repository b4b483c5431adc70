"""Parametrise each kind's contract class over every implementation of that kind."""

from __future__ import annotations

from tests.hardware.contracts import actuator_cases, sensor_cases


def pytest_generate_tests(metafunc):
    kind = getattr(metafunc.cls, "kind", None)
    if kind is None:
        return
    if "case" in metafunc.fixturenames:
        cases = sensor_cases(kind) or actuator_cases(kind)
        assert cases, f"no implementation of {kind.value} in the contract driver table"
        metafunc.parametrize("case", cases, ids=[c.driver for c in cases])
