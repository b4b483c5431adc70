"""One MQTT connection shared by every driver that uses the same broker and user.

The gate service logs in as one user and subscribes to each device's topic; a hundred
gates therefore cost one TCP connection, not hundreds. Subscriptions are restored on
every reconnect (paho reconnects by itself). Nothing connects until :meth:`acquire`.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

__all__ = ["MqttBus", "MqttSettings", "bus_for"]

log = logging.getLogger(__name__)
Handler = Callable[[bytes], None]
_ids = itertools.count()


@dataclass(frozen=True)
class MqttSettings:
    """Where and as whom to connect.

    Attributes:
        host: Broker host (loopback in tests).
        port: Broker port (1883 plain, 8883 TLS by convention).
        username: MQTT user; None for an anonymous lab broker.
        password: Its password (from the environment in production, see the site file).
        ca_file: CA certificate to verify the broker with; set it to use TLS.
        cert_file: Client certificate for mutual TLS (optional).
        key_file: Its key.
        keepalive_s: MQTT keepalive.
        connect_timeout_s: How long :meth:`MqttBus.acquire` waits for the broker.
    """

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    keepalive_s: int = 30
    connect_timeout_s: float = 5.0


class MqttBus:
    """A shared paho client with exact-topic routing to driver handlers."""

    def __init__(self, settings: MqttSettings) -> None:
        """Prepare (not open) a connection with ``settings``."""
        self.settings = settings
        self._lock = threading.Lock()
        self._handlers: dict[str, list[Handler]] = {}
        self._users = 0
        self._connected = threading.Event()
        self._client: mqtt.Client | None = None
        self._sub_lock = threading.Lock()
        self._subacks: dict[int, threading.Event] = {}
        self.handler_errors = 0

    @property
    def connected(self) -> bool:
        """Whether the broker accepted the connection (and has not dropped it since)."""
        return self._connected.is_set()

    def acquire(self, keep: bool = False) -> bool:
        """Open the connection if this is its first user; False if the broker is unreachable.

        With ``keep`` the user stays registered when the broker cannot be reached in
        time: the client keeps trying (paho reconnects with a back-off of 1 to 10 s) and
        restores every subscription once connected; the caller reports itself not ready
        meanwhile (:attr:`connected`) and still calls :meth:`release` in the end.
        Without it, an unreachable broker releases the user again.
        """
        with self._lock:
            self._users += 1
            started = self._client is None
            if started:
                self._client = self._start()
        if keep and not started:
            return self.connected  # the first user already waited; the client keeps trying
        if self._connected.wait(self.settings.connect_timeout_s):
            return True
        if not keep:
            self.release()
        return False

    def release(self) -> None:
        """Drop one user; the last one closes the connection."""
        with self._lock:
            self._users -= 1
            client, done = self._client, self._users <= 0
            if done:
                self._client, self._users = None, 0
                self._connected.clear()
        if done and client is not None:
            client.disconnect()
            client.loop_stop()

    def subscribe(self, topic: str, handler: Handler) -> bool:
        """Route messages on ``topic`` to ``handler`` (called on the network thread).

        Waits for the broker's SUBACK, so a message published after this returns is
        delivered; returns False if the broker did not confirm in time.
        """
        with self._lock:
            first = topic not in self._handlers
            self._handlers.setdefault(topic, []).append(handler)
            client = self._client
        if not first or client is None or not self.connected:
            return True  # on_connect subscribes every routed topic once the broker answers
        done = threading.Event()
        with self._sub_lock:  # held across subscribe() so the SUBACK cannot beat the mid
            rc, mid = client.subscribe(topic, qos=1)
            if rc != mqtt.MQTT_ERR_SUCCESS:
                return True  # the connection just dropped: on_connect subscribes it again
            self._subacks[mid] = done
        return done.wait(self.settings.connect_timeout_s)

    def unsubscribe(self, topic: str, handler: Handler) -> None:
        """Stop routing ``topic`` to ``handler``."""
        with self._lock:
            handlers = self._handlers.get(topic, [])
            if handler in handlers:
                handlers.remove(handler)
            last = not handlers
            if last:
                self._handlers.pop(topic, None)
            client = self._client
        if last and client is not None:
            client.unsubscribe(topic)

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> bool:
        """Queue ``payload`` for ``topic``; False if there is no connection to queue it on.

        ``retain``: the broker keeps it for every later subscriber (the state snapshot).
        """
        client = self._client
        if client is None:
            return False
        return client.publish(topic, payload, qos=qos, retain=retain).rc == mqtt.MQTT_ERR_SUCCESS

    def _start(self) -> mqtt.Client:
        s = self.settings
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"ftz-{os.getpid()}-{next(_ids)}",
            protocol=mqtt.MQTTv311,
        )
        if s.username is not None:
            client.username_pw_set(s.username, s.password)
        if s.ca_file is not None:
            client.tls_set(
                ca_certs=s.ca_file,
                certfile=s.cert_file,
                keyfile=s.key_file,
                tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )
        client.max_queued_messages_set(100_000)
        client.max_inflight_messages_set(1000)
        client.reconnect_delay_set(1, 10)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        client.connect_async(s.host, s.port, s.keepalive_s)
        client.loop_start()
        return client

    def _on_connect(
        self, client: mqtt.Client, _u: object, _f: object, rc: object, _p: object
    ) -> None:
        if getattr(rc, "is_failure", False):
            log.warning(
                "mqtt connect refused by %s:%s: %s", self.settings.host, self.settings.port, rc
            )
            return
        sock = client.socket()
        if isinstance(sock, socket.socket):
            # Small messages in quick succession (an arrival, then a reading) would wait
            # for delayed ACKs under Nagle's algorithm: ~40 ms each on Linux.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            topics = list(self._handlers)
        for topic in topics:  # a clean session forgets subscriptions: restore them
            client.subscribe(topic, qos=1)
        self._connected.set()

    def _on_subscribe(self, _c: mqtt.Client, _u: object, mid: int, *_rest: object) -> None:
        with self._sub_lock:
            done = self._subacks.pop(mid, None)
        if done is not None:
            done.set()

    def _on_disconnect(self, *_args: object) -> None:
        self._connected.clear()

    def _on_message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            handlers = list(self._handlers.get(msg.topic, ()))
        for handler in handlers:
            try:
                handler(bytes(msg.payload))
            # The outermost boundary of the network thread: a handler bug must become a
            # counted error, never kill the thread that serves every other device.
            except Exception:
                self.handler_errors += 1
                log.exception("mqtt handler failed on %s", msg.topic)


_BUSES: dict[MqttSettings, MqttBus] = {}
_BUSES_LOCK = threading.Lock()


def bus_for(settings: MqttSettings) -> MqttBus:
    """Return the one bus of ``settings`` in this process (created on first use, unopened)."""
    with _BUSES_LOCK:
        bus = _BUSES.get(settings)
        if bus is None:
            bus = _BUSES[settings] = MqttBus(settings)
        return bus
