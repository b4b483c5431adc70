"""A plate camera that pushes its events over HTTP (many ANPR cameras can only push)."""

from __future__ import annotations

from typing import Any

from core.gate import DeviceKind
from hardware_models.http.server import HttpEventServer, server_for
from hardware_models.real import EnvelopeSensor

__all__ = ["HttpPlateCamera"]


class HttpPlateCamera(EnvelopeSensor):
    """Plate OCR camera (车牌识别) posting v1 envelopes to the gate service."""

    kind = DeviceKind.PLATE_CAMERA

    def __init__(
        self, device_id: str, *, host: str = "127.0.0.1", port: int = 8088, **config: Any
    ) -> None:
        """Listen for ``device_id``'s events on ``host:port`` (shared with other cameras).

        Other arguments (``clock``, ``hmac_key``, ``max_age_s`` …) as :class:`EnvelopeSensor`.
        """
        super().__init__(device_id, **config)
        self.host, self.port = host, port
        self._server: HttpEventServer | None = None

    def _open(self) -> bool:
        server = server_for(self.host, self.port)
        if not server.add(self.device_id, self._on_message):
            return False
        self._server = server
        return True

    def _close(self) -> None:
        if self._server is not None:
            self._server.remove(self.device_id)
            self._server = None
