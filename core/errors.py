"""Exception root of the supervision core."""


class CoreError(Exception):
    """Root of every error the core raises on bad input (never on a device fault)."""
