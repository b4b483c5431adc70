"""The edge of ftz-twin: command line, reports, experiments (sweeps, staffing), app kit.

Scenario files are read and validated once, here at the edge, through the specification
layer (:mod:`ftz_spec`) into frozen objects that the twin and the live runtime consume.
"""

__all__: list[str] = []
