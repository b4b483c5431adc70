"""The twin's weighbridge shows what a Toledo indicator displays, so weights cross a serial line unchanged."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hardware_models.serial import encode_frame, parse_frame
from hardware_models.sim import SimSensorParams, SimWeighbridge
from hardware_models.sim.weighbridge import DISPLAY_INCREMENT_KG, display_weight


@given(st.floats(0.0, 9_000_000.0, allow_nan=False))
def test_a_displayed_weight_survives_a_toledo_frame_exactly(weight_kg):
    shown = display_weight(weight_kg)
    frame = parse_frame(encode_frame(shown))
    assert not isinstance(frame, str) and frame.gross_kg == shown
    assert shown % DISPLAY_INCREMENT_KG == 0 and abs(shown - weight_kg) <= DISPLAY_INCREMENT_KG / 2


def test_the_sim_weighbridge_reads_whole_display_increments_with_no_confidence_of_its_own():
    params = SimSensorParams(noise_sd=23.0, misread_rate=0.3)
    dev = SimWeighbridge("z/g/weighbridge-1", rng=np.random.default_rng(5), params=params)
    dev.configure() and dev.activate()
    values = []
    for i in range(200):
        dev.present(29_303.7, float(i))
        values += dev.read(float(i) + 1.0)
    assert len(values) == 200 and len({r.value for r in values}) > 5
    assert all(r.value % 10.0 == 0.0 and r.confidence == 1.0 for r in values)
    assert any(r.value < 27_000 for r in values)  # misreads (a truck not fully on) are there too
