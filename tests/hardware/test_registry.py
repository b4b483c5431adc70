"""One registry resolves every driver name; every kind has a simulated model."""

from __future__ import annotations

import numpy as np
import pytest

from core.gate import ACTUATOR_KINDS, DeviceKind
from hardware_models import (
    PORT_OF_KIND,
    UnknownDriverError,
    create_device,
    driver_spec,
    drivers_of_kind,
    known_drivers,
)
from tests.hardware.contracts import ACTUATOR_CASES, SENSOR_CASES


@pytest.mark.parametrize("kind", list(DeviceKind), ids=str)
def test_every_kind_has_a_sim_driver_named_sim_dot_kind(kind):
    assert f"sim.{kind.value}" in drivers_of_kind(kind)
    assert driver_spec(f"sim.{kind.value}").simulated


@pytest.mark.parametrize("name", known_drivers())
def test_every_driver_builds_a_device_of_its_kind_and_sits_in_the_contract_table(name):
    spec = driver_spec(name)
    dev = create_device(name, "z/g/dev", rng=np.random.default_rng(0))
    assert dev.kind is spec.kind and isinstance(dev, PORT_OF_KIND[spec.kind])
    table = ACTUATOR_CASES if spec.kind in ACTUATOR_KINDS else SENSOR_CASES
    assert name in table, "add the driver to tests/hardware/contracts.py"


def test_unknown_driver_names_the_known_ones():
    with pytest.raises(UnknownDriverError, match=r"sim\.weighbridge"):
        driver_spec("serial.no_such_driver")


def test_building_a_device_starts_nothing_and_leaves_it_unconfigured():
    dev = create_device("sim.weighbridge", "z/g/wb", rng=np.random.default_rng(0))
    assert dev.state.value == "unconfigured"
