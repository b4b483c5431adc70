"""The twin: a SimPy discrete-event model of the zones that drives the supervision core.

SimPy owns time. The core decides; simulated devices come from :mod:`hardware_models`.
"""

from twin.experiment import ReplicationResult, run_experiment, run_replication, summarise
from twin.model import Twin, resource_capacity_s, resource_groups

__all__ = [
    "ReplicationResult",
    "Twin",
    "resource_capacity_s",
    "resource_groups",
    "run_experiment",
    "run_replication",
    "summarise",
]
