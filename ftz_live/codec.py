"""JSON forms of what crosses a process boundary: gate passes, arrivals, commands.

Pure functions. Decoding never raises on bad input: it returns None (the caller counts
the message as malformed). Quantities travel as decimal strings, never floats.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from core.gate import (
    AdvanceGatePass,
    Command,
    DiscardReading,
    DivertToInspection,
    DivertToManualPost,
    GateDecision,
    GatePass,
    GatePassItem,
    GatePassState,
    GeoPoint,
    Hold,
    OpenBarrier,
    Outcome,
    PassBinding,
    PostGatePassage,
    RecordDecision,
    RejectTruck,
    RequestScan,
    RiskLane,
    ShowOnDisplay,
    TransferRoute,
)

__all__ = [
    "decode_command",
    "decode_gate_pass",
    "encode_command",
    "encode_decision",
    "encode_gate_pass",
]

_Bad = (KeyError, TypeError, ValueError, InvalidOperation, AttributeError)


def _num(x: Any) -> float | None:
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise ValueError(f"not a number: {x!r}")
    return float(x)


def _strs(x: Any) -> tuple[str, ...]:
    if not isinstance(x, list) or not all(isinstance(s, str) for s in x):
        raise TypeError("expected a list of strings")
    return tuple(x)


def encode_gate_pass(gp: GatePass) -> dict[str, Any]:
    """Return the JSON form of a gate pass."""
    route = gp.transfer
    return {
        "pass_id": gp.pass_id,
        "plate": gp.plate,
        "state": gp.state.name,
        "e_plate_id": gp.e_plate_id,
        "ic_card_id": gp.ic_card_id,
        "binding": gp.binding.value,
        "items": [[i.list_id, i.item_no, str(i.quantity)] for i in gp.items],
        "container_numbers": list(gp.container_numbers),
        "seal_ids": list(gp.seal_ids),
        "vehicle_tare_kg": gp.vehicle_tare_kg,
        "container_tare_kg": gp.container_tare_kg,
        "gross_weight_kg": gp.gross_weight_kg,
        "net_weight_kg": gp.net_weight_kg,
        "risk_lane": gp.risk_lane.value,
        "transfer": None
        if route is None
        else {
            "waypoints": [[p.x_m, p.y_m] for p in route.waypoints],
            "corridor_m": route.corridor_m,
            "allowed_stops": [[p.x_m, p.y_m] for p in route.allowed_stops],
            "to_gate": route.to_gate,
        },
    }


def _route(d: Any) -> TransferRoute | None:
    if d is None:
        return None
    pts = tuple(GeoPoint(float(_num(x) or 0.0), float(_num(y) or 0.0)) for x, y in d["waypoints"])
    stops = tuple(
        GeoPoint(float(_num(x) or 0.0), float(_num(y) or 0.0)) for x, y in d["allowed_stops"]
    )
    to_gate = d.get("to_gate", "")
    if not isinstance(to_gate, str):
        raise TypeError("to_gate: expected a string")
    return TransferRoute(pts, float(_num(d["corridor_m"]) or 0.0), stops, to_gate)


def decode_gate_pass(d: Any) -> GatePass | None:
    """Return the gate pass in ``d`` (as made by :func:`encode_gate_pass`), or None."""
    try:
        if not isinstance(d, dict) or not isinstance(d["pass_id"], str):
            return None
        items = tuple(
            GatePassItem(str(lid), int(no), Decimal(str(q))) for lid, no, q in d.get("items", [])
        )
        if not all(i.quantity.is_finite() for i in items):
            return None
        return GatePass(
            pass_id=d["pass_id"],
            plate=str(d["plate"]),
            state=GatePassState[d.get("state", "APPROVED")],
            e_plate_id=str(d.get("e_plate_id", "")),
            ic_card_id=str(d.get("ic_card_id", "")),
            binding=PassBinding(d.get("binding", PassBinding.ONE_TRUCK_ONE_LIST.value)),
            items=items,
            container_numbers=_strs(d.get("container_numbers", [])),
            seal_ids=_strs(d.get("seal_ids", [])),
            vehicle_tare_kg=_num(d.get("vehicle_tare_kg")),
            container_tare_kg=_num(d.get("container_tare_kg", 0.0)) or 0.0,
            gross_weight_kg=_num(d.get("gross_weight_kg")),
            net_weight_kg=_num(d.get("net_weight_kg")),
            risk_lane=RiskLane(d.get("risk_lane", RiskLane.RELEASE.value)),
            transfer=_route(d.get("transfer")),
        )
    except _Bad:
        return None


def encode_decision(d: GateDecision) -> dict[str, Any]:
    """Return the JSON form of a decision (the decision topic's, the HIL answer's)."""
    return {
        "case_id": d.case_id,
        "lane": d.lane,
        "outcome": d.outcome.value,
        "reasons": list(d.reasons),
        "time_s": d.time_s,
        "pass_id": d.pass_id,
        "weight_kg": d.weight_kg,
        "weight_error_kg": d.weight_error_kg,
        "risk_lane": d.risk_lane,
        "readings": [[device, seq] for device, seq in d.readings],
    }


def encode_command(cmd: Command) -> dict[str, Any]:
    """Return the JSON form of a controller command (``{"type": …, …}``)."""
    out: dict[str, Any] = {"type": type(cmd).__name__}
    if isinstance(cmd, RecordDecision):
        out["decision"] = encode_decision(cmd.decision)
    elif isinstance(cmd, AdvanceGatePass):
        out.update(pass_id=cmd.pass_id, state=cmd.state.name)
    elif isinstance(cmd, PostGatePassage):
        out.update(
            gate_id=cmd.gate_id,
            pass_id=cmd.pass_id,
            case_id=cmd.case_id,
            lane=cmd.lane,
            list_ids=list(cmd.list_ids),
            lines=[[i.list_id, i.item_no, str(i.quantity)] for i in cmd.lines],
            weight_kg=cmd.weight_kg,
            idempotency_key=cmd.idempotency_key,
            time_s=cmd.time_s,
        )
    else:
        out.update({k: list(v) if isinstance(v, tuple) else v for k, v in _fields(cmd).items()})
    return out


def _fields(cmd: Any) -> dict[str, Any]:
    return {name: getattr(cmd, name) for name in cmd.__slots__}


_SIMPLE: dict[str, type] = {
    c.__name__: c
    for c in (
        OpenBarrier,
        DivertToManualPost,
        DivertToInspection,
        RejectTruck,
        RequestScan,
        Hold,
        ShowOnDisplay,
        DiscardReading,
    )
}


def decode_command(d: Any) -> Command | None:
    """Return the command in ``d`` (as made by :func:`encode_command`), or None."""
    try:
        kind = d["type"]
        if kind == "RecordDecision":
            x = d["decision"]
            return RecordDecision(
                GateDecision(
                    x["case_id"],
                    x["lane"],
                    Outcome(x["outcome"]),
                    tuple(x["reasons"]),
                    float(x["time_s"]),
                    x["pass_id"],
                    _num(x["weight_kg"]),
                    _num(x["weight_error_kg"]),
                    x["risk_lane"],
                    tuple((str(dev), int(seq)) for dev, seq in x.get("readings", [])),
                )
            )
        if kind == "AdvanceGatePass":
            return AdvanceGatePass(d["pass_id"], GatePassState[d["state"]])
        if kind == "PostGatePassage":
            lines = tuple(GatePassItem(a, int(b), Decimal(c)) for a, b, c in d["lines"])
            return PostGatePassage(
                d["gate_id"],
                d["pass_id"],
                d["case_id"],
                d["lane"],
                tuple(d["list_ids"]),
                lines,
                _num(d["weight_kg"]),
                d["idempotency_key"],
                float(d["time_s"]),
            )
        cls = _SIMPLE[kind]
        args = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items() if k != "type"}
        return cls(**args)  # type: ignore[no-any-return]
    except _Bad:
        return None
