"""The live site file: which gates this service runs and how each device is reached.

It reuses the scenario's ``site`` (so ``driver:`` lines are validated against the one
registry, and every gate is assembled by :mod:`ftz_spec.assembly` as the twin assembles
it) and adds what only a real installation has: the broker, the ledger URL, the health
port, the gate-pass register, and per-device connection parameters. Secrets are never in
the file: it names environment variables (``password_env``, ``hmac_key_env``,
``passes_token_env``). Any string may use ``${NAME}`` or ``${NAME:-default}`` for a
value from the environment (ports and paths that differ per installation).

.. code-block:: yaml

    name: yangshan_live
    site: {zones: [...], gates: [{id: g1, zone: z1, line: second, lanes: 2,
           devices: [{id: plate_camera, kind: plate_camera, driver: mqtt.plate_camera},
                     {id: barrier, kind: barrier, driver: modbus.barrier}]}]}
    mqtt: {host: 127.0.0.1, port: 1883, username: gate-service, password_env: FTZ_MQTT_PASSWORD}
    ledger: sqlite:var/ledger.sqlite
    health: {port: 8081}
    params:
      z1/g1/barrier: {host: 10.0.0.20, port: 502, per_lane: {2: {register: 2}}}
      z1/g1/plate_camera: {hmac_key_env: "FTZ_KEY_{zone}_{gate}_{device}_{lane}"}
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from ftz_spec import load_scenario
from ftz_spec.assembly import AssemblyError, GateAssembly, assemble_gate
from ftz_spec.base import Model
from ftz_spec.errors import UserError
from ftz_spec.site import Site
from hardware_models.mqtt import MqttSettings

__all__ = [
    "HealthConfig",
    "LiveSite",
    "LiveSiteError",
    "MqttConfig",
    "device_params",
    "expand_env",
    "load_live_site",
    "parse_live_site",
]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class LiveSiteError(UserError):
    """A live site file that cannot be read or validated; the message names the field."""


class MqttConfig(Model):
    """The service's broker connection (one connection for every MQTT device)."""

    host: str = "127.0.0.1"
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password_env: str | None = Field(
        default=None, description="Environment variable with the password"
    )
    ca_file: str | None = Field(default=None, description="CA certificate: set it to use TLS")
    cert_file: str | None = None
    key_file: str | None = None
    prefix: str = "ftz"

    def settings(self) -> MqttSettings:
        """Return the connection settings, the password read from the environment."""
        password = os.environ.get(self.password_env) if self.password_env else None
        return MqttSettings(
            self.host,
            self.port,
            self.username,
            password,
            self.ca_file,
            self.cert_file,
            self.key_file,
        )


class HealthConfig(Model):
    """The health endpoint (loopback only by default)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535, description="0 picks a free port")


class LiveSite(Model):
    """A validated live site file."""

    name: str = "live"
    site: Site | None = None
    scenario: str | None = Field(default=None, description="Use this scenario file's site")
    gates: tuple[str, ...] = Field(default=(), description="Gate refs to serve; empty = all")
    mqtt: MqttConfig = MqttConfig()
    ledger: str = Field(
        default="sqlite:var/ledger.sqlite", description="memory:, sqlite:<path> or postgresql://…"
    )
    trace: str | None = Field(default=None, description="CSV event log, the twin's format")
    health: HealthConfig = HealthConfig()
    arrivals_hmac_key_env: str | None = Field(default=None, description="Key of the lane PCs")
    passes: str = Field(
        default="var/passes.jsonl", description="Gate passes registered with the service"
    )
    passes_token_env: str | None = Field(
        default=None, description="Environment variable with the token of POST /v1/passes"
    )
    intelligent_gates: bool | None = Field(
        default=None,
        description="卡口自动核放; false runs every gate as a manual gate (an officer reads "
        "the plate). Default: the scenario's lever, or true for an inline site",
    )
    tick_s: float = Field(default=1.0, gt=0, description="How often waiting passages are checked")
    max_queued_arrivals: int = Field(
        default=1000, ge=1, description="Arrivals waiting for the loop; beyond: refused (overload)"
    )
    barrier_feedback_s: float = Field(
        default=2.0, ge=0, description="Alarm when a barrier has not followed by then; 0: off"
    )
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_site(self) -> LiveSite:
        if (self.site is None) == (self.scenario is None):
            raise ValueError("give exactly one of site: or scenario:")
        gates = self.resolved_site().gates
        refs = {g.ref for g in gates}
        for ref in self.gates:
            if ref not in refs:
                raise ValueError(f"gates: unknown gate {ref!r}; known: {sorted(refs)}")
        for i, gate in enumerate(gates):
            try:
                assembly = assemble_gate(
                    gate, self.intelligent(), f"site.gates[{i}]", self._officer_driver()
                )
            except AssemblyError as exc:
                raise ValueError(str(exc)) from None
            if any(not p.driver for lane in assembly.lanes for p in lane.sensors):
                raise ValueError(
                    f"site.gates[{i}].devices: a manual gate needs an officer terminal "
                    "(add {id: officer, kind: plate_camera, driver: mqtt.plate_camera})"
                )
        return self

    def resolved_site(self) -> Site:
        """Return the site (inline, or the named scenario's)."""
        if self.site is not None:
            return self.site
        return load_scenario(str(self.scenario)).site

    def intelligent(self) -> bool:
        """Whether the gates read by devices (the scenario's lever by default)."""
        if self.intelligent_gates is not None:
            return self.intelligent_gates
        if self.scenario is not None:
            return load_scenario(str(self.scenario)).levers.intelligent_gates
        return True

    def _officer_driver(self) -> str:
        # A scenario's site runs with its simulated devices: a simulated officer terminal.
        return "sim.plate_camera" if self.scenario is not None else ""

    def served_gates(self) -> list[Any]:
        """Return the gates this service runs."""
        gates = self.resolved_site().gates
        return [g for g in gates if not self.gates or g.ref in self.gates]

    def assemblies(self) -> dict[str, GateAssembly]:
        """Return the served gates as assembled by the one gate assembly, keyed by ref."""
        intelligent, officer = self.intelligent(), self._officer_driver()
        return {
            g.ref: assemble_gate(g, intelligent, officer_driver=officer)
            for g in self.served_gates()
        }


def load_live_site(path: str | Path) -> LiveSite:
    """Read and validate a live site file.

    Raises:
        LiveSiteError: The file is missing, not YAML, or invalid (message names the field).
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LiveSiteError(f"{path}: {exc}") from None
    return parse_live_site(data, str(path))


def expand_env(data: Any, source: str = "<site>", path: str = "") -> Any:
    """Replace ``${NAME}`` and ``${NAME:-default}`` in every string of ``data``.

    Raises:
        LiveSiteError: A variable without a default is not set; names the field path.
    """
    if isinstance(data, dict):
        return {
            k: expand_env(v, source, f"{path}.{k}" if path else str(k)) for k, v in data.items()
        }
    if isinstance(data, list):
        return [expand_env(v, source, f"{path}.{i}") for i, v in enumerate(data)]
    if not isinstance(data, str):
        return data

    def value(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise LiveSiteError(f"{source}: {path}: environment variable {name} is not set")
        return default

    return _ENV.sub(value, data)


def parse_live_site(data: Any, source: str = "<site>") -> LiveSite:
    """Validate live site data. Raises: LiveSiteError naming the field path and value."""
    data = expand_env(data, source)
    try:
        return LiveSite.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "<root>"
            problems.append(f"{source}: {loc}: {err['msg']} (got {err.get('input')!r})")
        raise LiveSiteError("\n".join(problems)) from None


def _format(value: Any, names: dict[str, Any]) -> Any:
    if isinstance(value, str):
        text = value.format(**names)
        return int(text) if text.isdigit() else text  # "{lane}", "${PORT:-502}" → ints
    return value


def device_params(
    live: LiveSite, gate_ref: str, device_id: str, lane: int, who: str = ""
) -> dict[str, Any]:
    """Return the driver parameters of device ``device_id`` of ``gate_ref`` in lane ``lane``.

    Strings may use ``{lane}`` (1-based), ``{lane0}`` (0-based), ``{zone}``, ``{gate}``
    and ``{device}``; a formatted string that is a whole number becomes an int
    (``port: "/dev/ttyUSB{lane0}"``, ``unit: "{lane}"``, ``port: ${PLC_PORT:-502}``).
    ``per_lane: {2: {...}}``
    overrides by lane. ``*_env`` keys are read from the environment
    (``hmac_key_env`` → ``hmac_key``).

    Raises:
        LiveSiteError: A ``*_env`` key names a variable that is unset or empty (a key
            that is configured but missing must stop the service, not turn signing off).
    """
    zone, gate = gate_ref.split("/", 1)
    names = {"lane": lane, "lane0": lane - 1, "zone": zone, "gate": gate, "device": device_id}
    raw = dict(live.params.get(f"{gate_ref}/{device_id}", {}))
    per_lane = raw.pop("per_lane", {}) or {}
    raw.update(per_lane.get(lane, per_lane.get(str(lane), {})))
    out: dict[str, Any] = {}
    for key, value in raw.items():
        value = _format(value, names)
        if key.endswith("_env"):
            secret = os.environ.get(str(value), "")
            if not secret:
                raise LiveSiteError(
                    f"{who or f'{gate_ref}/{device_id}-{lane}'}: params.{gate_ref}/{device_id}"
                    f".{key} names {value}, which is unset or empty"
                )
            out[key.removesuffix("_env")] = secret
        else:
            out[key] = value
    return out
