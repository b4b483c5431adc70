"""The health endpoint: ``GET /health`` returns the service's state as JSON (loopback)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["HealthServer"]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] not in ("/health", "/healthz"):
            self.send_error(404)
            return
        body = json.dumps(self.server.snapshot(), sort_keys=True, default=str).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None  # health probes every few seconds would drown the structured log


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    snapshot: Callable[[], dict[str, Any]]


class HealthServer:
    """Serves ``snapshot()`` on ``host:port`` from a thread (port 0 picks a free one)."""

    def __init__(
        self, snapshot: Callable[[], dict[str, Any]], host: str = "127.0.0.1", port: int = 0
    ) -> None:
        """Bind now; :meth:`start` serves."""
        self._server = _Server((host, port), _Handler)
        self._server.snapshot = snapshot
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.2,), daemon=True, name="health"
        )

    def start(self) -> HealthServer:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(2.0)
