"""Message security of the real drivers: signed envelopes, replay and staleness guards.

Every device message carries the device id, a sequence number strictly increasing per
device and a timestamp, and may carry an HMAC-SHA256 over its canonical form. Parsing
is a pure function that never raises; a :class:`MessageGuard` rejects replayed, stale,
future-dated, foreign or badly signed messages, and every rejection is counted by
reason in :class:`Counters`, never raised.
"""

from hardware_models.security.counters import Counters
from hardware_models.security.envelope import (
    ENVELOPE_VERSION,
    STATUSES,
    Envelope,
    canonical,
    encode_envelope,
    parse_envelope,
    sign,
)
from hardware_models.security.guard import GuardPolicy, MessageGuard

__all__ = [
    "ENVELOPE_VERSION",
    "STATUSES",
    "Counters",
    "Envelope",
    "GuardPolicy",
    "MessageGuard",
    "canonical",
    "encode_envelope",
    "parse_envelope",
    "sign",
]
