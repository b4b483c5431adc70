"""Stores: the bonded-goods ledger on memory, SQLite and PostgreSQL, and the event log.

All three implement :class:`core.ledger.port.LedgerStore` and pass one contract suite.
Nothing connects on import: build a store with :func:`open_store` or a class directly.
"""

from ftz_stores.memory import MemoryStore

__all__ = ["MemoryStore", "open_store"]


def open_store(url: str) -> object:
    """Open a ledger store from a URL-like string.

    Args:
        url: ``memory:``, ``sqlite:<path>`` or ``postgresql://…`` (a libpq conninfo URL).

    Returns:
        A :class:`core.ledger.port.LedgerStore`.

    Raises:
        ValueError: The scheme is not one of the three.
    """
    if url == "memory:":
        return MemoryStore()
    if url.startswith("sqlite:"):
        from ftz_stores.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:"))
    if url.startswith(("postgresql://", "postgres://")):
        from ftz_stores.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"store url={url!r}: expected memory:, sqlite:<path> or postgresql://…")
