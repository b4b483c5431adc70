"""Errors of the risk engine: every one names the entry and the bad value."""

from __future__ import annotations

from core.errors import CoreError

__all__ = ["ControlError", "DeclarationError", "PolicyError", "RiskError", "RiskTableError"]


class RiskError(CoreError):
    """Root of the errors the risk engine raises on bad input."""


class RiskTableError(RiskError):
    """The risk valuation table (风险估值表) is malformed: unknown factor, bad rate …."""


class PolicyError(RiskError):
    """A lane plan, random-control or learning setting is out of range."""


class ControlError(RiskError):
    """A targeted control (布控指令) is malformed or conflicts with another one."""


class DeclarationError(RiskError):
    """A declaration or goods line carries an impossible value."""
