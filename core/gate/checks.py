"""The comparisons of a passage: device readings against the gate pass.

Each check is a pure function of the gate pass, the readings of one kind and the policy,
and returns reason codes; an empty result means the check passed. The reason codes are
what officers see at the post and what the audit log keeps, so they are stable strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from core.gate.iso6346 import is_valid_container_number, normalise_container_number
from core.gate.messages import Outcome
from core.gate.passes import GatePass
from core.gate.plates import PlateMatch, compare_plates, normalise_plate
from core.gate.policy import GatePolicy
from core.gate.readings import DeviceKind, EPlateRead, Reading, SealRead
from core.gate.track import Track, assess_track

__all__ = ["Findings", "check_passage", "outcome_for"]

K = DeviceKind

# Reasons that point at the goods rather than at the truck's papers or a device: the
# truck goes to the inspection area, not only to an officer's post.
_INSPECTION = frozenset(
    {
        "seal_tampered",
        "seal_wrong",
        "container_not_on_pass",
        "weight_out_of_tolerance",
        "gps_deviation",
        "gps_unexplained_stop",
        "radiation_alarm",
        "scan_suspect",
        "risk_lane:physical_inspection",
    }
)
_REJECT = frozenset({"no_gate_pass", "pass_already_used", "pass_for_other_line"})


def outcome_for(reasons: Sequence[str]) -> Outcome:
    """Return the outcome that ``reasons`` call for: the strictest one wins."""
    if not reasons:
        return Outcome.PASS
    if any(r in _REJECT for r in reasons):
        return Outcome.REJECT
    if any(r in _INSPECTION for r in reasons):
        return Outcome.INSPECTION
    return Outcome.MANUAL_POST


@dataclass(frozen=True, slots=True)
class Findings:
    """Result of comparing a passage's readings with its gate pass."""

    reasons: tuple[str, ...]
    weight_kg: float | None = None
    weight_error_kg: float | None = None


Readings = Mapping[DeviceKind, Sequence[Reading]]


def _plate(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    out: list[str] = []
    for r in rs.get(K.PLATE_CAMERA, ()):
        match = compare_plates(str(r.value), gp.plate)
        if match is not PlateMatch.EXACT:
            out.append(f"plate_{match.value}")
    return out


def _e_plate(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    out: list[str] = []
    ocr = [str(r.value) for r in rs.get(K.PLATE_CAMERA, ())]
    for r in rs.get(K.E_PLATE_READER, ()):
        tag = r.value
        if not isinstance(tag, EPlateRead):
            out.append("bad_value:e_plate_reader")
            continue
        if (gp.e_plate_id and tag.tag_id != gp.e_plate_id) or compare_plates(
            tag.plate, gp.plate
        ) is not PlateMatch.EXACT:
            out.append("eplate_not_on_pass")
        # A tag cloned from the truck on the pass answers that truck's plate; the camera
        # sees the plate actually mounted. Disagreement is the signature of a clone.
        if any(compare_plates(p, tag.plate) is PlateMatch.MISMATCH for p in ocr):
            out.append("eplate_plate_mismatch")
    return out


def _ic_card(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    out: list[str] = []
    for r in rs.get(K.IC_CARD_READER, ()):
        if not gp.ic_card_id:
            out.append("ic_card_not_declared")
        elif normalise_plate(str(r.value)) != normalise_plate(gp.ic_card_id):
            out.append("ic_card_mismatch")
    return out


def _containers(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    readings = rs.get(K.CONTAINER_OCR, ())
    if not readings:
        return []
    declared = {normalise_container_number(c) for c in gp.container_numbers}
    seen: set[str] = set()
    out: list[str] = []
    for r in readings:
        number = normalise_container_number(str(r.value))
        if not number:
            continue  # no container seen; a declared one is then reported missing
        if not is_valid_container_number(number):
            out.append("container_check_digit_invalid")
        elif number not in declared:
            out.append("container_not_on_pass")
        seen.add(number)
    if declared - seen:
        out.append("container_missing")
    return out


def _seals(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    readings = rs.get(K.E_SEAL_READER, ())
    if not readings:
        return []
    out: list[str] = []
    seen: set[str] = set()
    for r in readings:
        seal = r.value
        if not isinstance(seal, SealRead):
            out.append("bad_value:e_seal_reader")
            continue
        if seal.seal_id not in gp.seal_ids:
            out.append("seal_wrong")
        if not seal.intact:
            out.append("seal_tampered")
        seen.add(seal.seal_id)
    if set(gp.seal_ids) - seen:
        out.append("seal_missing")
    return out


def _track(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    out: list[str] = []
    for r in rs.get(K.GPS_TRACK, ()):
        if not isinstance(r.value, Track):
            out.append("bad_value:gps_track")
        elif gp.transfer is not None:
            out += assess_track(r.value, gp.transfer, policy.track)
    return out


def _radiation(gp: GatePass, rs: Readings, policy: GatePolicy) -> list[str]:
    out: list[str] = []
    for r in rs.get(K.RADIATION_PORTAL, ()):
        if not isinstance(r.value, int | float):
            out.append("bad_value:radiation_portal")
        elif r.value >= policy.radiation_alarm_ratio:
            out.append("radiation_alarm")
    return out


# Each check keyed by the kind whose readings it judges; a kind with no readings is skipped.
_CHECKS: tuple[tuple[DeviceKind, Callable[[GatePass, Readings, GatePolicy], list[str]]], ...] = (
    (K.PLATE_CAMERA, _plate),
    (K.E_PLATE_READER, _e_plate),
    (K.IC_CARD_READER, _ic_card),
    (K.CONTAINER_OCR, _containers),
    (K.E_SEAL_READER, _seals),
    (K.GPS_TRACK, _track),
    (K.RADIATION_PORTAL, _radiation),
)


def _weight(gp: GatePass, rs: Readings, policy: GatePolicy) -> Findings:
    readings = rs.get(K.WEIGHBRIDGE, ())
    if not readings:
        return Findings(())
    value = readings[-1].value
    if not isinstance(value, int | float):
        return Findings(("bad_value:weighbridge",))
    weight = float(value)
    declared = gp.declared_total_kg
    if declared is None:
        return Findings(("weight_not_declared",), weight)
    error = weight - declared
    tolerance = max(policy.weight_tolerance_kg, policy.weight_tolerance_pct / 100.0 * declared)
    reasons = ("weight_out_of_tolerance",) if abs(error) > tolerance else ()
    return Findings(reasons, weight, error)


def check_passage(gp: GatePass, readings: Readings, policy: GatePolicy) -> Findings:
    """Compare every reading of a passage with its gate pass.

    Args:
        gp: The gate pass presented.
        readings: The trusted readings of the passage, by device kind.
        policy: The gate's policy (tolerances, limits).

    Returns:
        The reasons found, in a fixed order and without repeats, and the weighing.
    """
    reasons: list[str] = []
    for kind, check in _CHECKS:
        if kind in readings:
            reasons += check(gp, readings, policy)
    if K.WEIGHBRIDGE not in readings:
        return Findings(tuple(dict.fromkeys(reasons)))
    weighing = _weight(gp, readings, policy)
    reasons += weighing.reasons
    return Findings(tuple(dict.fromkeys(reasons)), weighing.weight_kg, weighing.weight_error_kg)
