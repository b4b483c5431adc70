"""The service's HTTP endpoint (loopback by default).

``GET /health`` returns the service's state as JSON; further ``GET`` routes
(``/metrics``, Prometheus text) answer a content type and bytes. ``POST`` routes (the gate-pass
register's ``/v1/passes``) are added by the service; each takes the request's headers and
body and answers a status and a JSON object. Bodies over 64 KiB are refused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["GetRoute", "HealthServer", "PostRoute"]

PostRoute = Callable[[Mapping[str, str], bytes], tuple[int, dict[str, Any]]]
GetRoute = Callable[[], tuple[str, bytes]]  # () -> (content type, body): /metrics
_MAX_BODY = 65_536


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        route = self.server.gets.get(path)
        if route is not None:
            content_type, data = route()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if path not in ("/health", "/healthz"):
            self._answer(404, {"error": "not found"})
            return
        self._answer(200, self.server.snapshot())

    def do_POST(self) -> None:
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            self._answer(404, {"error": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY:
            self._answer(413, {"error": f"body must be 0 to {_MAX_BODY} bytes"})
            return
        status, body = route(
            {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
        )
        self._answer(status, body)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, sort_keys=True, default=str, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return None  # health probes every few seconds would drown the structured log


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    snapshot: Callable[[], dict[str, Any]]
    routes: dict[str, PostRoute]
    gets: dict[str, GetRoute]


class HealthServer:
    """Serves ``snapshot()`` and the POST routes on ``host:port`` (port 0 picks a free one)."""

    def __init__(
        self,
        snapshot: Callable[[], dict[str, Any]],
        host: str = "127.0.0.1",
        port: int = 0,
        routes: dict[str, PostRoute] | None = None,
        gets: dict[str, GetRoute] | None = None,
    ) -> None:
        """Bind now; :meth:`start` serves."""
        self._server = _Server((host, port), _Handler)
        self._server.snapshot = snapshot
        self._server.routes = dict(routes or {})
        self._server.gets = dict(gets or {})
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.2,), daemon=True, name="health"
        )

    def start(self) -> HealthServer:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (if it was started) and close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(2.0)
        self._server.server_close()
