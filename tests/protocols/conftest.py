"""Session fixtures: the real peers (one per xdist worker), see services.py."""

from __future__ import annotations

import pytest

from tests.protocols import services


@pytest.fixture(scope="session")
def broker() -> services.Broker:
    return services.broker()


@pytest.fixture(scope="session")
def plc():
    return services.plc()


@pytest.fixture
def pty_pair():
    pair = services.pty_pair()
    yield pair
    pair.close()
