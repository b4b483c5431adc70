"""The real peers (mosquitto, the pymodbus PLC, socat ptys) shared with tests/protocols."""

from tests.protocols.conftest import broker, plc, pty_pair

__all__ = ["broker", "plc", "pty_pair"]
