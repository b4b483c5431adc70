"""MQTT sensors: plate cameras, RFID and e-seal readers, H986 scanner results.

Each driver subscribes to its device's reading topic on the shared bus; every message
is parsed and checked on the network thread (see :class:`EnvelopeSensor`) and what is
trusted is buffered for ``read(now)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from core.gate import DeviceKind
from hardware_models.mqtt.bus import MqttBus, MqttSettings, bus_for
from hardware_models.mqtt.topics import reading_topic, request_topic
from hardware_models.ports import LifecycleState
from hardware_models.real import EnvelopeSensor
from hardware_models.security import encode_envelope

__all__ = [
    "MqttContainerOcr",
    "MqttEPlateReader",
    "MqttESealReader",
    "MqttGpsTrack",
    "MqttH986Scanner",
    "MqttIcCardReader",
    "MqttPlateCamera",
    "MqttRadiationPortal",
    "MqttSensor",
    "MqttWeighbridge",
]


class MqttSensor(EnvelopeSensor):
    """A sensor that speaks the v1 envelope over MQTT; subclasses set ``kind``."""

    kind: ClassVar[DeviceKind]

    def __init__(
        self,
        device_id: str,
        *,
        mqtt: MqttSettings | None = None,
        prefix: str = "ftz",
        keep_trying: bool = False,
        **config: Any,
    ) -> None:
        """Create the driver; nothing connects before :meth:`configure`.

        Args:
            device_id: ``<zone>/<gate>/<device>``; also the device's topic path.
            mqtt: Broker and credentials of the connection (one connection per settings).
            prefix: First topic level (``ftz``).
            keep_trying: Configure even while the broker is unreachable: the shared
                connection keeps reconnecting and subscribes once the broker answers
                (the live service reports itself not ready meanwhile).
            **config: ``clock``, ``hmac_key``, ``max_age_s``, ``max_future_s``,
                ``time_origin_s`` as for :class:`EnvelopeSensor`; others are ignored.
        """
        super().__init__(device_id, **config)
        self.settings = mqtt or MqttSettings()
        self.prefix = prefix
        self.keep_trying = keep_trying
        self._topic = reading_topic(prefix, device_id)
        self._bus: MqttBus | None = None

    def _open(self) -> bool:
        bus = bus_for(self.settings)
        if not bus.acquire(keep=self.keep_trying) and not self.keep_trying:
            return False
        if not bus.subscribe(self._topic, self._handle):
            bus.unsubscribe(self._topic, self._handle)
            bus.release()
            return False
        self._bus = bus
        return True

    def _close(self) -> None:
        bus, self._bus = self._bus, None
        if bus is not None:
            bus.unsubscribe(self._topic, self._handle)
            bus.release()

    def _handle(self, raw: bytes) -> None:
        self._on_message(raw)

    @property
    def connected(self) -> bool:
        """Whether the driver's broker connection is up."""
        return self._bus is not None and self._bus.connected


class MqttPlateCamera(MqttSensor):
    """Plate OCR camera (车牌识别) publishing plates over MQTT."""

    kind = DeviceKind.PLATE_CAMERA


class MqttEPlateReader(MqttSensor):
    """Electronic plate (电子车牌) RFID reader publishing tag reads over MQTT."""

    kind = DeviceKind.E_PLATE_READER


class MqttIcCardReader(MqttSensor):
    """RFID IC card (IC卡) reader publishing card numbers over MQTT."""

    kind = DeviceKind.IC_CARD_READER


class MqttContainerOcr(MqttSensor):
    """Container-number recogniser (箱号识别) publishing one message per container."""

    kind = DeviceKind.CONTAINER_OCR


class MqttESealReader(MqttSensor):
    """E-seal (电子关锁) reader publishing one message per seal."""

    kind = DeviceKind.E_SEAL_READER


class MqttWeighbridge(MqttSensor):
    """Weighbridge terminal that publishes final gross weights (kg) over MQTT.

    For indicators wired by RS-232 use ``serial.toledo_weighbridge``; this one serves
    terminals that do their own weighing logic, and hardware-in-the-loop runs.
    """

    kind = DeviceKind.WEIGHBRIDGE


class MqttGpsTrack(MqttSensor):
    """GPS track source (the fleet platform) publishing a transfer's track over MQTT."""

    kind = DeviceKind.GPS_TRACK


class MqttRadiationPortal(MqttSensor):
    """Radiation portal publishing its level (multiple of background) over MQTT."""

    kind = DeviceKind.RADIATION_PORTAL


class MqttH986Scanner(MqttSensor):
    """H986 scanner: requests go out on the request topic, verdicts come back as readings.

    ``scan_time_s`` is only the expected duration (what :meth:`request` returns); the
    scanner counts as busy until its verdict or a fault arrives, or twice that time passed.
    """

    kind = DeviceKind.H986_SCANNER

    def __init__(self, device_id: str, *, scan_time_s: float = 150.0, **config: Any) -> None:
        """Create the driver; ``scan_time_s`` as above, the rest as :class:`MqttSensor`."""
        super().__init__(device_id, **config)
        self.scan_time_s = scan_time_s
        self._busy_until = float("-inf")
        self._requests = 0

    def is_busy(self, now: float) -> bool:
        """Return whether a scan is in progress at ``now``."""
        return now < self._busy_until

    def request(self, subject: Any, now: float) -> float:
        """Ask the scanner to scan ``subject`` (anything with a ``case_id``) at ``now``.

        Returns:
            When the verdict is expected; ``now`` if refused (a fault waits in the inbox).
        """
        if self.state is not LifecycleState.ACTIVE:
            self._post(now, self._fault("not_active", self.state.value, now))
            return now
        if self.is_busy(now):
            self._post(now, self._fault("busy", "scan in progress", now))
            return now
        self._requests += 1
        case_id = str(getattr(subject, "case_id", subject))
        ts = now + self.guard.policy.time_origin_s
        payload = encode_envelope(self.device_id, self._requests, ts, "ok", {"case_id": case_id})
        topic = request_topic(self.prefix, self.device_id)
        if self._bus is None or not self._bus.publish(topic, payload):
            self._post(now, self._fault("device_down", "no broker connection", now))
            return now
        self._busy_until = now + 2 * self.scan_time_s
        return now + self.scan_time_s

    def _on_status(self, status: str) -> None:
        if status != "up":
            self._busy_until = float("-inf")
