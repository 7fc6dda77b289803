"""Typed errors raised by the pure core; the edges turn them into messages naming field and rule."""

from __future__ import annotations

from collections.abc import Mapping


class AiscError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        """With `params`, `message` is a template (`%(name)s`): the edge translates the template
        and fills it, so a refusal with figures in it reads in the user's language too."""
        self.template = message
        self.params = dict(params or {})
        self.message = message % self.params if self.params else message
        self.field = field
        super().__init__(self.message)


class RuleViolation(AiscError):
    """Input breaks a business rule (a bound, a date window, a budget)."""

    code = "rule_violation"


class InvalidTransition(AiscError):
    """A lifecycle was asked to move along an edge its transition table does not have."""

    code = "invalid_transition"


class InsufficientBalance(AiscError):
    """A budget, fund or allocation has less left than asked for."""

    code = "insufficient_balance"


class NotFound(AiscError):
    """A referenced thing (chip, account, call) does not exist."""

    code = "not_found"
