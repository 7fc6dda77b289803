"""Notifications by mail, through the outbox; users who chose the daily digest get one mail a day.

    from aisc.web import notify
    notify.send(user, _("Your award was approved"), "grants/mail/award_approved.txt", {"award": a})

`send` renders the text in the user's language now (inside the caller's transaction) and writes
an outbox message; `aisc worker` delivers it later, so a mail server that is down never fails the
caller's request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from aisc.web.accounts.models import User
    from aisc.web.outbox.models import OutboxMessage


def send(
    user: User,
    subject: str | Promise,
    template: str,
    context: dict[str, Any],
    *,
    digest: bool = True,
    params: dict[str, Any] | None = None,
) -> OutboxMessage:
    """`digest=False`: mailed at once even to a user who chose the daily digest. `params` fill
    the (lazy) subject's %(name)s placeholders once it is in the recipient's language."""
    # Imported here: this package is imported while Django is still loading its apps.
    from aisc.web.notify.mailing import queue

    return queue(user, subject, template, context, digest=digest, params=params)
