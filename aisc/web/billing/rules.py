"""Who may do what in billing. Auditors see every `.view`; admins everything (authz)."""

from __future__ import annotations

from typing import Any

from aisc.web.accounts import authz
from aisc.web.accounts.models import Role, User


def _finance(user: User, obj: Any) -> bool:
    return user.has_role(Role.FINANCE)


def _statement_reader(user: User, obj: Any) -> bool:
    if user.has_role(Role.FINANCE, Role.OPERATOR):
        return True
    return obj is not None and authz.member_of(user, getattr(obj, "organisation_id", None))


authz.rule("billing.statement.view")(_statement_reader)
authz.rule("billing.statements.list")(lambda user, obj: True)  # the list is filtered per user
authz.rule("billing.period.close")(_finance)
authz.rule("billing.fund.view")(authz.has_roles(Role.FINANCE, Role.SECRETARIAT, Role.COMMITTEE))
authz.rule("billing.receivables.view")(_finance)
authz.rule("billing.export.view")(_finance)
authz.rule("billing.ledger.reverse")(_finance)
authz.rule("billing.credit.view")(authz.has_roles(Role.FINANCE, Role.SECRETARIAT))
authz.rule("billing.usage.ingest")(authz.has_roles(Role.OPERATOR))
authz.rule("billing.annual.view")(
    authz.has_roles(Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.AUDITOR)
)
authz.rule("billing.analytics.view")(
    authz.has_roles(Role.OPERATOR, Role.FINANCE, Role.SECRETARIAT, Role.COMMITTEE)
)


def _recovery_reader(user: User, obj: Any) -> bool:
    if user.has_role(Role.FINANCE, Role.SECRETARIAT):
        return True
    return obj is not None and authz.member_of(user, getattr(obj, "organisation_id", None))


authz.rule("billing.recoveries.view")(authz.has_roles(Role.FINANCE, Role.SECRETARIAT))
authz.rule("billing.recovery.view")(_recovery_reader)
authz.rule("billing.recovery.open")(authz.has_roles(Role.SECRETARIAT))
authz.rule("billing.recovery.write_off")(authz.has_roles(Role.FINANCE, Role.SECRETARIAT))
authz.rule("billing.payment.record")(_finance)
authz.rule("billing.receivable.remind")(_finance)
