"""One small HTTP server per listening address, shared by the cameras that push to it.

``POST /v1/dev/<device_id>/reading`` with a v1 envelope as the body. Answers
``202`` when accepted, ``400`` with ``{"accepted": false, "reason": …}`` when the
message was rejected (``malformed:<field>`` for a message that does not parse), ``404`` for an unknown device, ``413`` for a body over 16 KiB.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hardware_models.security.envelope import MAX_MESSAGE_BYTES

__all__ = ["HttpEventServer", "server_for"]

log = logging.getLogger(__name__)
Route = Callable[[bytes], str]  # body -> "" if accepted, else the rejection reason
_PREFIX, _SUFFIX = "/v1/dev/", "/reading"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        route = None
        if path.startswith(_PREFIX) and path.endswith(_SUFFIX):
            route = self.server.routes.get(path[len(_PREFIX) : -len(_SUFFIX)])
        if route is None:
            return self._answer(404, {"accepted": False, "reason": "unknown_device"})
        try:
            length = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_MESSAGE_BYTES:
            return self._answer(413, {"accepted": False, "reason": "malformed"})
        try:
            reason = route(self.rfile.read(length))
        except Exception:  # a route that raises still answers; the sensor counts its own
            log.exception("route of %s raised", path)
            reason = "malformed:unhandled"
        self._answer(202 if not reason else 400, {"accepted": not reason, "reason": reason})

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("http %s", format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]


class HttpEventServer:
    """Routes pushed events to the cameras registered on one address."""

    def __init__(self, host: str, port: int) -> None:
        """Prepare (not open) a server on ``host:port``."""
        self.host, self.port = host, port
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def add(self, device_id: str, route: Route) -> bool:
        """Register a device; the first one opens the socket. False if it cannot listen."""
        with self._lock:
            if self._server is None:
                try:
                    server = _Server((self.host, self.port), _Handler)
                except OSError as exc:
                    log.warning("cannot listen on %s:%s: %s", self.host, self.port, exc)
                    return False
                server.routes = self._routes
                self._server = server
                self._thread = threading.Thread(
                    target=server.serve_forever, args=(0.1,), daemon=True, name="http-events"
                )
                self._thread.start()
            self._routes[device_id] = route
            return True

    def remove(self, device_id: str) -> None:
        """Unregister a device; the last one closes the socket."""
        with self._lock:
            self._routes.pop(device_id, None)
            server, thread = (self._server, self._thread) if not self._routes else (None, None)
            if server is not None:
                self._server = self._thread = None
        if server is not None and thread is not None:
            server.shutdown()
            server.server_close()
            thread.join(2.0)


_SERVERS: dict[tuple[str, int], HttpEventServer] = {}
_SERVERS_LOCK = threading.Lock()


def server_for(host: str, port: int) -> HttpEventServer:
    """Return the one event server of ``host:port`` in this process."""
    with _SERVERS_LOCK:
        return _SERVERS.setdefault((host, port), HttpEventServer(host, port))
