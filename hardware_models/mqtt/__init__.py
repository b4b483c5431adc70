"""MQTT drivers: plate cameras, e-plate, IC card and e-seal readers, H986 scanner results.

Topics and payloads are versioned and documented in ``docs/protocols.md``.
"""

from hardware_models.mqtt.bus import MqttBus, MqttSettings, bus_for
from hardware_models.mqtt.peer import MqttDevicePeer
from hardware_models.mqtt.sensor import (
    MqttContainerOcr,
    MqttEPlateReader,
    MqttESealReader,
    MqttGpsTrack,
    MqttH986Scanner,
    MqttIcCardReader,
    MqttPlateCamera,
    MqttRadiationPortal,
    MqttSensor,
    MqttWeighbridge,
)
from hardware_models.mqtt.topics import (
    TOPIC_VERSION,
    arrival_topic,
    decision_topic,
    event_topic,
    hil_ack_topic,
    hil_clock_topic,
    reading_topic,
    request_topic,
)

__all__ = [
    "TOPIC_VERSION",
    "MqttBus",
    "MqttContainerOcr",
    "MqttDevicePeer",
    "MqttEPlateReader",
    "MqttESealReader",
    "MqttGpsTrack",
    "MqttH986Scanner",
    "MqttIcCardReader",
    "MqttPlateCamera",
    "MqttRadiationPortal",
    "MqttSensor",
    "MqttSettings",
    "MqttWeighbridge",
    "arrival_topic",
    "bus_for",
    "decision_topic",
    "event_topic",
    "hil_ack_topic",
    "hil_clock_topic",
    "reading_topic",
    "request_topic",
]
