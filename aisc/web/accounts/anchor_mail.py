"""The signed head of the audit chain, mailed to the auditors (issue 15): the worker's task
`audit.anchor_mail`, every AISC_AUDIT_ANCHOR_MAIL_MINUTES. It lives here, not in the audit app,
because it needs the users' roles and their mail, which sit above the audit trail."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from aisc.web import notify
from aisc.web.accounts.models import Role, User
from aisc.web.audit.anchor import current_head


def mail_to_auditors() -> str:
    """The worker's task: the signed head, mailed through the outbox to every active user with
    the auditor role, a copy the database's owner cannot reach. The mail skips the digest (a copy
    kept a day in the database is no copy) and its body is never logged: the returned line names
    only whom it went to."""
    anchor = current_head()
    with transaction.atomic():
        auditors = list(User.objects.filter(roles__code=Role.AUDITOR, is_active=True).distinct())
        for auditor in auditors:
            notify.send(
                auditor,
                _("AISC audit anchor: %(rows)d rows at %(at)s"),
                "accounts/mail/audit_anchor.txt",
                {"anchor": anchor, "line": anchor.line()},
                digest=False,
                params={"rows": anchor.rows, "at": anchor.at},
            )
    return f"audit anchor of {anchor.rows} rows mailed to {len(auditors)} auditors"
