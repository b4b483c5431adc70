"""Small scenario data for tests, notebooks and benchmarks (no model logic)."""

from __future__ import annotations

from typing import Any

__all__ = ["ALL_AUTO_FILING", "ALL_AUTO_LEVERS", "ALL_AUTO_RISK_POLICY", "scenario_data"]

# A risk policy that releases everything automatically: reduces the twin to its gates.
# The credit rule is off: its floor would send dishonest enterprises to inspection.
ALL_AUTO_RISK_POLICY: dict[str, Any] = {
    "lanes": {
        "expected_rates": {"physical": 0.0, "scan": 0.0, "documentary": 0.0, "post_audit": 0.0},
        "criteria": {"physical": 1.0, "scan": 1.0, "documentary": 1.0},
    },
    "plans": [],
    "credit_rule": {"enforce": False},
}
# Nothing between declaration and gate: no other agencies, no new record filings, no
# analyst review, no standing section 二(五) controls.
ALL_AUTO_FILING: dict[str, Any] = {"agency_share": 0.0, "new_record_share": 0.0}
ALL_AUTO_LEVERS: dict[str, Any] = {
    "targeting": {"prearrival_review": False},
    "ipr_protection": False,
    "printed_matter_control": False,
}


def scenario_data(
    intelligent: bool = True,
    trucks_per_h: float = 60.0,
    lanes: int = 2,
    officers: int = 2,
    mismatch: float = 0.01,
    miss_rate: float = 0.0,
    misread_rate: float = 0.0,
    service: dict[str, Any] | None = None,
    horizon_h: float = 8.0,
    all_auto: bool = True,
) -> dict[str, Any]:
    """Return the data of a one-zone, one-gate scenario with the given knobs.

    Officers are on duty around the clock (``availability`` 1, 168 h a week), so
    ``officers`` is exactly the number on duty.
    """
    levers: dict[str, Any] = {
        "intelligent_gates": intelligent,
        "batch_declaration": False,
        "enter_first_declare_later": True,
    }
    if all_auto:
        levers.update(random_control_scale=0.0, risk_policy=ALL_AUTO_RISK_POLICY)
        levers.update(ALL_AUTO_LEVERS)
    full_time = {"roster": "shifts", "availability": 1.0}
    return {
        "name": "one_gate",
        "site": {
            "zones": [{"id": "z1", "name": "Zone one"}],
            "places": [{"id": "market", "name": "Market", "kind": "domestic"}],
            "gates": [
                {
                    "id": "g1",
                    "zone": "z1",
                    "line": "second",
                    "lanes": lanes,
                    "devices": [
                        {
                            "id": "plate_camera",
                            "kind": "plate_camera",
                            "driver": "sim.plate_camera",
                        },
                        {"id": "barrier", "kind": "barrier", "driver": "sim.barrier"},
                    ],
                }
            ],
            "staff_pools": [
                {
                    "id": "officers",
                    "role": "gate",
                    "zone": "z1",
                    "count": round(officers * 168 / 40),
                    **full_time,
                },
                {"id": "docs", "role": "document_review", "zone": "z1", "count": 21, **full_time},
                {"id": "inspectors", "role": "inspection", "zone": "z1", "count": 21, **full_time},
            ],
        },
        "uncertainties": {
            "flows": [
                {
                    "id": "out",
                    "kind": "second_line_export",
                    "zone": "z1",
                    "place": "market",
                    "trucks_per_day": trucks_per_h * 24,
                }
            ],
            "enterprises": {"count": 50},
            **({"filing": ALL_AUTO_FILING} if all_auto else {}),
            "plate_mismatch_rate": mismatch,
            "approval_share": 0.0,
            "devices": {
                "plate_camera": {
                    "latency_s": {"dist": "fixed", "value": 0.0},
                    "miss_rate": miss_rate,
                    "misread_rate": misread_rate,
                }
            },
            "times": service
            or {
                "auto_check_s": {"dist": "fixed", "value": 10.0},
                "manual_check_s": {"dist": "fixed", "value": 100.0},
                "manual_post_s": {"dist": "fixed", "value": 300.0},
            },
        },
        "levers": levers,
        "run": {
            "horizon_h": horizon_h,
            "warmup_h": 1.0,
            "replications": 3,
            "seed": 11,
            "event_log": "all",
        },
    }
