"""The supervision core: the pure part of ftz-twin that decides.

Nothing in this package does I/O, reads a clock or draws from a global random
generator. Time (``now``, in seconds) and random generators are passed in; decisions
come out as data (commands and trace records). The same code therefore decides in the
SimPy twin, in hardware-in-the-loop runs and at a real gate.

Subpackages:
    core.gate: the sans-I/O gate controller (卡口自动核放).
    core.risk: the risk engine (智能化风险分析): valuation table, lanes, random and
        targeted control, the closed feedback loop.
    core.ledger: the bonded-goods ledger (账册) rules and its storage port.
"""

from core.errors import CoreError
from core.trace import Lifecycle, TraceRecord

__all__ = ["CoreError", "Lifecycle", "TraceRecord"]
