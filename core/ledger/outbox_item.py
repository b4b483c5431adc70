"""One event as the outbox hands it to a consumer."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OutboxItem"]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An event from the ledger's outbox.

    Attributes:
        seq: Its position in the outbox, from 1, increasing; consumers keep the last
            one handled and drop anything at or below it (delivery is at least once).
        time_s: When the command that emitted it ran, seconds.
        event: The event (a :data:`core.ledger.events.LedgerEvent`).
    """

    seq: int
    time_s: float
    event: object
