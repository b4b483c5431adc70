"""Kind-specific behaviour of the simulated models beyond the shared contract."""

from __future__ import annotations

import numpy as np
import pytest

from core.gate import (
    DeviceFault,
    GeoPoint,
    Reading,
    SealRead,
    TrackLimits,
    TransferRoute,
    assess_track,
    is_valid_container_number,
)
from hardware_models import DeviceParamsError
from hardware_models.sim import (
    FailureMode,
    FailureProcess,
    Fixed,
    ScanSubject,
    SimContainerOcr,
    SimESealReader,
    SimGpsTrack,
    SimH986Scanner,
    SimPlateCamera,
    SimSensorParams,
    SimWeighbridge,
    track_along,
)


def _on(dev):
    dev.configure()
    dev.activate()
    return dev


def test_weighbridge_noise_has_the_configured_spread():
    wb = _on(
        SimWeighbridge(
            "z/g/wb", rng=np.random.default_rng(1), params=SimSensorParams(noise_sd=20.0)
        )
    )
    values = []
    for i in range(400):
        values += [r.value for r in wb.read(wb.present(30_000.0, float(i)))]
    assert abs(np.mean(values) - 30_000.0) < 5.0 and 15.0 < np.std(values) < 25.0


def test_container_ocr_misreads_break_the_check_digit_most_of_the_time():
    ocr = _on(
        SimContainerOcr(
            "z/g/ocr", rng=np.random.default_rng(2), params=SimSensorParams(misread_rate=1.0)
        )
    )
    values = []
    for i in range(200):
        values += [r.value for r in ocr.read(ocr.present(("CSQU3054383",), float(i)))]
    assert sum(not is_valid_container_number(v) for v in values) / len(values) > 0.8


def test_container_ocr_reports_an_empty_number_for_a_truck_without_container():
    ocr = _on(SimContainerOcr("z/g/ocr", rng=np.random.default_rng(2)))
    assert [r.value for r in ocr.read(ocr.present((), 0.0))] == [""]


def test_e_seal_reader_reports_a_tampered_seal_as_not_intact():
    reader = _on(SimESealReader("z/g/es", rng=np.random.default_rng(3)))
    got = reader.read(reader.present((SealRead("ES1", False),), 0.0))
    assert [r.value for r in got] == [SealRead("ES1", False)]


def test_h986_scanner_is_busy_during_a_scan_and_refuses_a_second_request():
    scanner = _on(
        SimH986Scanner(
            "z/g/h986", rng=np.random.default_rng(4), params=SimSensorParams(latency_s=Fixed(150.0))
        )
    )
    ready = scanner.request(ScanSubject("c1", anomaly=True), 0.0)
    assert ready == 150.0 and scanner.is_busy(10.0)
    assert scanner.request(ScanSubject("c2"), 10.0) == 10.0
    [busy] = scanner.read(10.0)
    assert isinstance(busy, DeviceFault) and busy.code == "busy"
    [verdict] = scanner.read(150.0)
    assert isinstance(verdict, Reading) and verdict.value == "suspect"
    assert not scanner.is_busy(150.0)


def test_gps_noise_keeps_a_clean_track_inside_its_corridor():
    route = (GeoPoint(0, 0), GeoPoint(32_000, 0))
    gps = _on(
        SimGpsTrack("z/g/gps", rng=np.random.default_rng(5), params=SimSensorParams(noise_sd=15.0))
    )
    [reading] = gps.read(gps.present(track_along(route, 0.0, 16.0), 0.0))
    assert reading.value.points != track_along(route, 0.0, 16.0).points
    assert assess_track(reading.value, TransferRoute(route, corridor_m=200.0), TrackLimits()) == ()


def test_track_along_stands_still_for_a_declared_stop():
    route = (GeoPoint(0, 0), GeoPoint(10_000, 0))
    track = track_along(route, 0.0, 10.0, 30.0, stops=((5_000.0, 900.0),))
    assert track.points[-1].time_s == pytest.approx(1_900.0)
    assert track.points[-1].x_m == pytest.approx(10_000.0)
    still = [p for p in track.points if p.x_m == pytest.approx(5_000.0)]
    assert still[-1].time_s - still[0].time_s >= 870.0


def test_failure_schedule_depends_only_on_the_seed_not_on_how_often_it_is_asked():
    a = FailureProcess(np.random.default_rng(9), mttf_h=1.0, mttr_min=10.0)
    b = FailureProcess(np.random.default_rng(9), mttf_h=1.0, mttr_min=10.0)
    coarse = [a.mode(t) for t in range(0, 200_000, 997)]
    for t in range(0, 200_000, 13):
        b.mode(float(t))
    b2 = FailureProcess(np.random.default_rng(9), mttf_h=1.0, mttr_min=10.0)
    assert coarse == [b2.mode(t) for t in range(0, 200_000, 997)]
    assert a.downtime_s > 0


def test_a_device_that_never_fails_is_always_up():
    fp = FailureProcess(np.random.default_rng(0), mttf_h=None, mttr_min=30.0)
    assert {fp.mode(t) for t in (0.0, 1e6, 1e9)} == {FailureMode.UP}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("misread_rate", 1.5),
        ("miss_rate", -0.1),
        ("noise_sd", -1.0),
        ("mttf_h", 0.0),
        ("mttr_min", 0.0),
    ],
)
def test_out_of_range_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(DeviceParamsError, match=field):
        SimSensorParams(**{field: value})


def test_a_camera_misread_is_an_ocr_confusion_at_lower_confidence():
    cam = _on(
        SimPlateCamera(
            "z/g/cam", rng=np.random.default_rng(6), params=SimSensorParams(misread_rate=1.0)
        )
    )
    [r] = cam.read(cam.present("沪A10B85", 0.0))
    assert r.value != "沪A10B85" and len(r.value) == len("沪A10B85") and r.confidence < 0.97 + 1e-9


def test_published_figures_give_the_e_plate_its_99_99_percent_and_the_scan_its_2_5_min():
    from core.gate import DeviceKind
    from hardware_models.sim import PUBLISHED_SENSOR_PARAMS as P

    assert 1 - P[DeviceKind.E_PLATE_READER].miss_rate >= 0.9999
    c = P[DeviceKind.CONTAINER_OCR]
    assert 1 - c.miss_rate - c.misread_rate >= 0.95
    assert P[DeviceKind.H986_SCANNER].latency_s.sample(np.random.default_rng(0)) == 150.0
