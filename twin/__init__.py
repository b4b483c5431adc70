"""The twin: a SimPy discrete-event model of the zones that drives the supervision core.

SimPy owns time. The core decides; simulated devices come from :mod:`hardware_models`.
"""

from twin.experiment import ReplicationResult, run_experiment, run_replication, summarise
from twin.model import Twin, resource_capacities

__all__ = [
    "ReplicationResult",
    "Twin",
    "resource_capacities",
    "run_experiment",
    "run_replication",
    "summarise",
]
