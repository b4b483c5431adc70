"""Gate passes registered with the service: what a real gate receives from the customs system.

A gate pass (核放单) is declared by the enterprise and approved by customs before the
truck comes; the gate receives it from the customs system, and the lane PC then names
only its number (``pass_id``) in the arrival. :class:`PassRegister` keeps the passes by
number, appends each to a JSON-lines file (fsynced before the registration is
acknowledged) and reads the file back on start, so a restart keeps them.
``POST /v1/passes`` (bearer token from ``passes_token_env``) registers one: its body is
the gate pass in the form of :func:`ftz_live.codec.encode_gate_pass`.

This is the gate's local copy; the central state of each pass (reserve, post, void)
belongs to the ledger's store.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.gate import GatePass
from ftz_live.codec import decode_gate_pass, encode_gate_pass
from ftz_spec.errors import UserError

__all__ = ["PassRegister", "PassRegisterError"]

log = logging.getLogger("ftztwin.live")


class PassRegisterError(UserError):
    """The register's file cannot be read or written."""


class PassRegister:
    """Gate passes by number, kept in a JSON-lines file."""

    def __init__(self, path: str | Path | None, token: str | None = None) -> None:
        """Load the passes of ``path`` (None: keep them in memory only).

        ``token`` is what ``POST /v1/passes`` must present; None disables the endpoint.

        Raises:
            PassRegisterError: The file cannot be read.
        """
        self.path = None if path is None else Path(path)
        self.token = token
        self._lock = threading.Lock()
        self._passes: dict[str, GatePass] = {}
        self.bad_lines = 0
        if self.path is not None and self.path.exists():
            self._load(self.path)

    def _load(self, path: Path) -> None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise PassRegisterError(f"{path}: cannot read the gate passes: {exc}") from None
        for n, line in enumerate(lines, start=1):
            try:
                gp = decode_gate_pass(json.loads(line)) if line.strip() else None
            except ValueError:
                gp = None
            if gp is None:
                if line.strip():
                    self.bad_lines += 1
                    log.warning("unreadable gate pass", extra={"file": str(path), "line": n})
                continue
            self._passes[gp.pass_id] = gp

    def __len__(self) -> int:
        return len(self._passes)

    def get(self, pass_id: str) -> GatePass | None:
        """Return the registered pass ``pass_id``, None if none is."""
        with self._lock:
            return self._passes.get(pass_id)

    def register(self, gp: GatePass) -> None:
        """Keep ``gp`` (durably first when the register has a file).

        Raises:
            PassRegisterError: The file cannot be written.
        """
        line = json.dumps(encode_gate_pass(gp), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self.path is not None:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    with self.path.open("a", encoding="utf-8") as fh:
                        fh.write(line + "\n")
                        fh.flush()
                        os.fsync(fh.fileno())
                except OSError as exc:
                    raise PassRegisterError(f"{self.path}: cannot keep the pass: {exc}") from None
            self._passes[gp.pass_id] = gp

    def http_post(self, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        """``POST /v1/passes``: register the pass in ``body`` if the bearer token is right."""
        if self.token is None:
            return 403, {"error": "registration is off: set the site's passes_token_env"}
        given = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return 401, {"error": "a valid 'Authorization: Bearer <token>' is required"}
        try:
            gp = decode_gate_pass(json.loads(body.decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            gp = None
        if gp is None or not gp.pass_id:
            return 400, {"error": "not a gate pass (see docs/protocols.md, arrivals)"}
        try:
            self.register(gp)
        except PassRegisterError as exc:
            log.error("gate pass not kept", extra={"pass_id": gp.pass_id, "error": str(exc)})
            return 503, {"error": str(exc)}
        log.info("gate pass registered", extra={"pass_id": gp.pass_id, "state": gp.state.name})
        return 201, {"registered": gp.pass_id, "state": gp.state.name}
