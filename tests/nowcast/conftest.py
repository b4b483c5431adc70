"""The real mosquitto for the live seam test (shared with tests/protocols)."""

from tests.protocols.conftest import broker

__all__ = ["broker"]
