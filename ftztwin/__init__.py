"""The edge of ftz-twin: command line, scenario files and composition roots.

Scenario files are read and validated here once, at the edge, into frozen objects that
the twin and the live runtime consume.
"""

__all__: list[str] = []
