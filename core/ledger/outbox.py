"""Delivery of the ledger's outbox: events reach their consumers at least once.

Every command appends its events to the store's outbox in its own transaction, so an
event exists exactly when its change does. A consumer (the risk engine's feed, central
monitoring) reads what follows its durable cursor, handles it, and acknowledges; a crash
between handling and acknowledging delivers the same events again, so each consumer
drops an event whose ``seq`` it has already handled (at least once, idempotently).

Typical use, in the twin after each ledger call or in a live service's loop::

    feed = Outbox(ledger.store, "risk")
    feed.deliver(lambda item: risk_feed.apply(engine, item))
"""

from __future__ import annotations

from collections.abc import Callable

from core.ledger.outbox_item import OutboxItem
from core.ledger.port import LedgerStore

__all__ = ["Outbox", "OutboxItem"]


class Outbox:
    """The outbox as one named consumer sees it."""

    def __init__(self, store: LedgerStore, consumer: str, batch: int = 512) -> None:
        """Read ``store``'s outbox as ``consumer``, ``batch`` events at a time.

        Raises:
            ValueError: An empty consumer name or a batch below 1.
        """
        if not consumer or batch < 1:
            raise ValueError(f"outbox consumer={consumer!r} batch={batch}: need a name, batch ≥ 1")
        self.store = store
        self.consumer = consumer
        self.batch = batch

    def cursor(self) -> int:
        """Return the last seq this consumer acknowledged (0 before any)."""
        with self.store.read() as tx:
            return tx.outbox_cursor(self.consumer)

    def poll(self, limit: int | None = None) -> list[OutboxItem]:
        """Return the next events after the cursor, oldest first (nothing is acknowledged)."""
        with self.store.read() as tx:
            return tx.outbox_after(tx.outbox_cursor(self.consumer), limit or self.batch)

    def ack(self, seq: int) -> None:
        """Acknowledge every event up to ``seq`` (durable when it returns; never moves back)."""
        with self.store.write() as tx:
            if seq > tx.outbox_cursor(self.consumer):
                tx.set_outbox_cursor(self.consumer, seq)

    def deliver(self, handler: Callable[[OutboxItem], None], max_batches: int = 0) -> int:
        """Hand every pending event to ``handler`` in order and acknowledge it.

        If ``handler`` raises, what it handled before is acknowledged and the error
        propagates; the failed event is delivered again next time.

        Args:
            handler: Called once per event (again after a crash before the ack).
            max_batches: Stop after this many batches; 0 delivers until none is left.

        Returns:
            How many events were handed over.
        """
        done = batches = 0
        while not max_batches or batches < max_batches:
            items = self.poll()
            if not items:
                break
            last = 0
            try:
                for it in items:
                    handler(it)
                    last = it.seq
                    done += 1
            finally:
                if last:
                    self.ack(last)
            batches += 1
            if len(items) < self.batch:
                break  # the outbox is drained: no need to ask again
        return done
