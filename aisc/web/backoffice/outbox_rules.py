"""Operators watch the worker and handle dead letters; auditors see them by the `.view` rule."""

from aisc.web.accounts.authz import has_roles, rule
from aisc.web.accounts.models import Role

rule("outbox.view")(has_roles(Role.OPERATOR))
rule("outbox.message.retry")(has_roles(Role.OPERATOR))
rule("outbox.message.discard")(has_roles(Role.OPERATOR))
