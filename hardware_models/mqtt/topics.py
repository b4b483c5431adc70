"""The versioned MQTT topic scheme (v1); documented in ``docs/protocols.md``.

Device ids are ``<zone>/<gate>/<device>`` and appear in topics as they are, so a
broker ACL can give each device user exactly its own topics.
"""

from __future__ import annotations

__all__ = [
    "TOPIC_VERSION",
    "arrival_topic",
    "decision_topic",
    "event_topic",
    "hil_ack_topic",
    "hil_clock_topic",
    "reading_topic",
    "request_topic",
]

TOPIC_VERSION = "v1"


def reading_topic(prefix: str, device_id: str) -> str:
    """Device → core: readings and status (``ok``, ``no_read``, ``down``, ``up``, ``busy``)."""
    return f"{prefix}/{TOPIC_VERSION}/dev/{device_id}/reading"


def request_topic(prefix: str, device_id: str) -> str:
    """Core → device: a request (an H986 scan)."""
    return f"{prefix}/{TOPIC_VERSION}/dev/{device_id}/request"


def arrival_topic(prefix: str, gate_ref: str) -> str:
    """Lane PC → core: a truck stopped in a lane and presented a gate pass."""
    return f"{prefix}/{TOPIC_VERSION}/gate/{gate_ref}/arrival"


def decision_topic(prefix: str, gate_ref: str) -> str:
    """Core → monitoring: every decision of the gate (the trace record's content)."""
    return f"{prefix}/{TOPIC_VERSION}/gate/{gate_ref}/decision"


def event_topic(prefix: str, gate_ref: str) -> str:
    """Core → shadow and monitoring: every event the gate's controller was fed (journal)."""
    return f"{prefix}/{TOPIC_VERSION}/gate/{gate_ref}/event"


def hil_clock_topic(prefix: str, gate_ref: str) -> str:
    """Twin → core (hardware in the loop only): the simulated time, step now."""
    return f"{prefix}/{TOPIC_VERSION}/gate/{gate_ref}/hil/clock"


def hil_ack_topic(prefix: str, gate_ref: str) -> str:
    """Core → twin (hardware in the loop only): the commands decided at that step."""
    return f"{prefix}/{TOPIC_VERSION}/gate/{gate_ref}/hil/ack"
