"""Small scenario data for tests, notebooks and benchmarks (no model logic)."""

from __future__ import annotations

from typing import Any

__all__ = ["scenario_data"]


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
) -> dict[str, Any]:
    """Return the data of a one-zone, one-gate scenario with the given knobs."""
    return {
        "name": "one_gate",
        "site": {
            "zones": [{"id": "z1", "name": "Zone one"}],
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
            "staff_pools": [{"id": "officers", "role": "gate", "zone": "z1", "count": officers}],
        },
        "uncertainties": {
            "arrivals": [{"gate": "z1/g1", "trucks_per_h": trucks_per_h}],
            "plate_mismatch_rate": mismatch,
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
        "levers": {"intelligent_gates": intelligent},
        "run": {"horizon_h": horizon_h, "warmup_h": 1.0, "replications": 3, "seed": 11},
    }
