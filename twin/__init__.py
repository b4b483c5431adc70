"""The twin: a SimPy discrete-event model of the zones that drives the supervision core.

SimPy owns time. The core decides; simulated devices come from :mod:`hardware_models`.
Results: :mod:`twin.catalogue` names every KPI, :mod:`twin.summary` and :mod:`twin.stats`
summarise replications within bounds, :mod:`twin.assessment` judges a run (unfinished
share, warm-up by MSER-5, replications, warnings).
"""

from twin.experiment import (
    PrecisionRun,
    ReplicationResult,
    run_experiment,
    run_replication,
    run_to_precision,
    summarise,
)
from twin.model import Twin, resource_capacity_s, resource_groups

__all__ = [
    "PrecisionRun",
    "ReplicationResult",
    "Twin",
    "resource_capacity_s",
    "resource_groups",
    "run_experiment",
    "run_replication",
    "run_to_precision",
    "summarise",
]
