"""The gate assembly: one gate's description → its controller policy, sensors and actuators.

The twin, hardware-in-the-loop runs and the live service build every gate here and
nowhere else, as ros2_control builds simulated and real hardware from one description:
a gate decides the same way in the simulation, in the loop and at the real gate. What
each world adds is only how a planned device becomes an object (a simulated model on a
named random stream, or the driver a site file names, with its connection settings).

What the assembly decides:

* **the policy** (:class:`core.gate.GatePolicy`): the line's preset (一线放开: plate,
  e-plate, container; 二线管住: also IC card, weight, seals, GPS track), narrowed to the
  sensors the gate really has, plus a radiation portal wherever one stands; the gate's
  mode (single, first or second of a double gate, 双卡口); its own tolerances. A manual
  gate (intelligent gates off) reads only the plate, by an officer's terminal.
* **the sensor map**: per lane, the one device of each required kind whose readings feed
  the controller (plus an H986 scanner, which answers scan requests); installed sensors
  the policy does not read are listed as unused, never silently read.
* **the actuators**: per lane, the barrier and the display board.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from core.gate import DeviceKind, GateController, GateMode, GatePolicy
from core.gate.readings import ACTUATOR_KINDS
from core.gate.track import TrackLimits
from ftz_spec.errors import UserError
from ftz_spec.site import Gate, GateTolerances, Site

__all__ = [
    "OFFICER",
    "AssemblyError",
    "DevicePlan",
    "GateAssembly",
    "LanePlan",
    "assemble_gate",
    "assemble_site",
    "effective_tolerances",
    "policy_differences",
]

K = DeviceKind
OFFICER = "officer"  # the device name of an officer's plate terminal at a manual gate
_MODE = {
    "single": GateMode.SINGLE,
    "first_of_two": GateMode.FIRST_OF_TWO,
    "second_of_two": GateMode.SECOND_OF_TWO,
}
_TRACK = {"track_max_stop_s": "max_stop_s", "track_max_gap_s": "max_gap_s"}


class AssemblyError(UserError):
    """A gate that cannot be assembled; the message names the field path and the value.

    Attributes:
        path: The field path inside the gate, e.g. ``("devices", 3, "kind")``.
        value: The bad value.
        message: What is wrong with it.
    """

    def __init__(self, where: str, path: tuple[str | int, ...], value: Any, message: str) -> None:
        self.path, self.value, self.message = path, value, message
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        super().__init__(f"{where}{dotted}: {message} (got {value!r})")


@dataclass(frozen=True)
class DevicePlan:
    """One device of one lane, as planned.

    Attributes:
        name: The device's id in the site file (``plate_camera``), or :data:`OFFICER`.
        kind: Its kind.
        driver: The registry driver the site names; ``""`` for the twin's officer (a
            person, not a device).
        lane: ``<zone>/<gate>/lane<n>``.
        number: The lane's number, from 1.
        device_id: ``<zone>/<gate>/<name>-<n>``: what its readings are signed with.
    """

    name: str
    kind: DeviceKind
    driver: str
    lane: str
    number: int
    device_id: str


@dataclass(frozen=True)
class LanePlan:
    """The devices of one lane: the sensors the controller is fed and the actuators."""

    lane: str
    number: int
    sensors: tuple[DevicePlan, ...]
    actuators: tuple[DevicePlan, ...]


@dataclass(frozen=True)
class GateAssembly:
    """A gate ready to be built in any world.

    Attributes:
        ref: ``<zone>/<gate>``.
        line: ``first`` or ``second``.
        intelligent: Whether the devices read (卡口自动核放) or an officer does.
        policy: What the controller requires and how strictly it compares.
        lanes: The lanes and their devices.
        unused: Installed sensors the policy does not read (reported, never fed).
    """

    ref: str
    line: str
    intelligent: bool
    policy: GatePolicy
    lanes: tuple[LanePlan, ...]
    unused: tuple[str, ...] = ()

    def controller(self, reserve: bool = False) -> GateController:
        """Return a new controller of this gate under its policy.

        ``reserve``: the gate reserves each pass in the ledger before it opens (the live
        gate service, whose ledger is the central pass state); the twin's does not.
        """
        policy = self.policy.with_(reserve_before_open=True) if reserve else self.policy
        return GateController(self.ref, policy)

    def build(
        self, make: Callable[[DevicePlan], Any]
    ) -> tuple[dict[str, dict[DeviceKind, Any]], dict[str, dict[DeviceKind, Any]]]:
        """Build every planned device with ``make``; return (sensors, actuators) by lane.

        ``make(plan)`` returns the device object, or None for a plan the world serves
        otherwise (the twin's officer is a staff process, not a device).
        """
        sensors: dict[str, dict[DeviceKind, Any]] = {}
        actuators: dict[str, dict[DeviceKind, Any]] = {}
        for lane in self.lanes:
            sensors[lane.lane], actuators[lane.lane] = {}, {}
            for plan in lane.sensors:
                device = make(plan)
                if device is not None:
                    sensors[lane.lane][plan.kind] = device
            for plan in lane.actuators:
                actuators[lane.lane][plan.kind] = make(plan)
        return sensors, actuators


def _preset(gate: Gate) -> GatePolicy:
    return GatePolicy.first_line() if gate.line == "first" else GatePolicy.second_line()


def _preset_kinds(gate: Gate) -> frozenset[DeviceKind]:
    # A radiation portal guards both lines: where one stands, its reading is awaited.
    return _preset(gate).required | {K.RADIATION_PORTAL}


def _policy(gate: Gate, intelligent: bool, installed: frozenset[DeviceKind]) -> GatePolicy:
    preset = _preset(gate)
    # At a manual gate the officer reads the plate, and only the plate.
    required = _preset_kinds(gate) & installed if intelligent else frozenset({K.PLATE_CAMERA})
    overrides = _overrides(gate.tolerances)
    track = {_TRACK[k]: overrides.pop(k) for k in list(overrides) if k in _TRACK}
    return preset.with_(
        required=required,
        mode=_MODE[gate.mode],
        track=TrackLimits(**{**_track_defaults(), **track}),
        **overrides,
    )


def _overrides(tolerances: GateTolerances) -> dict[str, Any]:
    return {k: v for k, v in tolerances.model_dump().items() if v is not None}


def _track_defaults() -> dict[str, float]:
    limits = TrackLimits()
    return {f.name: getattr(limits, f.name) for f in fields(limits)}


def effective_tolerances(gate: Gate) -> dict[str, float]:
    """The figure the gate's policy uses for each tolerance, by ``GateTolerances`` field.

    The gate's own figure where it sets one, else its line preset's (what
    :func:`assemble_gate` builds the policy from), so provenance can list the numbers a
    gate really decides by, not ``None``.
    """
    preset, track = _preset(gate), _track_defaults()
    out: dict[str, float] = {}
    for name in GateTolerances.model_fields:
        own = getattr(gate.tolerances, name)
        if own is not None:
            out[name] = own
        elif name in _TRACK:
            out[name] = track[_TRACK[name]]
        else:
            out[name] = getattr(preset, name)
    return out


def _plan(gate: Gate, name: str, kind: DeviceKind, driver: str, n: int) -> DevicePlan:
    return DevicePlan(name, kind, driver, f"{gate.ref}/lane{n}", n, f"{gate.ref}/{name}-{n}")


def assemble_gate(
    gate: Gate, intelligent: bool = True, where: str = "", officer_driver: str = ""
) -> GateAssembly:
    """Assemble ``gate``; ``intelligent`` is the scenario's ``levers.intelligent_gates``.

    Args:
        gate: The gate's description (zone, line, mode, lanes, devices, tolerances).
        intelligent: False runs it as a manual gate (an officer reads the plate).
        where: The gate's field path for messages, e.g. ``site.gates[3]``.
        officer_driver: The driver of a manual gate's officer terminal when the gate
            declares none (``""`` in the twin, where the officer is a person).

    A gate with none of the sensors its line reads is run as a manual gate too.

    Raises:
        AssemblyError: Two devices would feed the controller the same kind of reading.
    """
    where = where or f"gate {gate.ref}"
    sensors = [d for d in gate.devices if d.kind not in ACTUATOR_KINDS and d.id != OFFICER]
    installed = frozenset(d.kind for d in sensors) - {K.H986_SCANNER}
    # A gate with no sensor its line reads is manned: an officer reads the plate.
    intelligent = intelligent and bool(_preset_kinds(gate) & installed)
    policy = _policy(gate, intelligent, installed)
    fed: list[tuple[str, DeviceKind, str]] = []
    seen: dict[DeviceKind, str] = {}
    for j, dev in enumerate(gate.devices):
        reads = dev.kind in policy.required or dev.kind is K.H986_SCANNER
        if dev.id == OFFICER or not intelligent or not reads:
            continue
        if dev.kind in seen:
            raise AssemblyError(
                where,
                ("devices", j, "kind"),
                dev.kind.value,
                f"a second device of this kind (the first is {seen[dev.kind]!r}); "
                "the controller takes one per kind and lane",
            )
        seen[dev.kind] = dev.id
        fed.append((dev.id, dev.kind, dev.driver))
    if not intelligent:
        officer = next((d for d in gate.devices if d.id == OFFICER), None)
        fed = [(OFFICER, K.PLATE_CAMERA, officer_driver if officer is None else officer.driver)]
    used = {name for name, _, _ in fed}
    unused = tuple(d.id for d in sensors if d.id not in used)
    acts = [(d.id, d.kind, d.driver) for d in gate.devices if d.kind in ACTUATOR_KINDS]
    lanes = tuple(
        LanePlan(
            f"{gate.ref}/lane{n}",
            n,
            tuple(_plan(gate, name, kind, drv, n) for name, kind, drv in fed),
            tuple(_plan(gate, name, kind, drv, n) for name, kind, drv in acts),
        )
        for n in range(1, gate.lanes + 1)
    )
    return GateAssembly(gate.ref, gate.line, intelligent, policy, lanes, unused)


def assemble_site(site: Site, intelligent: bool = True) -> dict[str, GateAssembly]:
    """Assemble every gate of ``site``, in site order, keyed by ``<zone>/<gate>``.

    Raises:
        AssemblyError: A gate cannot be assembled (the message names its field path).
    """
    return {
        g.ref: assemble_gate(g, intelligent, f"site.gates[{i}]") for i, g in enumerate(site.gates)
    }


def policy_differences(a: GatePolicy, b: GatePolicy) -> Mapping[str, tuple[Any, Any]]:
    """Return ``{field: (a's value, b's value)}`` for every field where two policies differ."""
    return {
        f.name: (getattr(a, f.name), getattr(b, f.name))
        for f in fields(a)
        if getattr(a, f.name) != getattr(b, f.name)
    }
