"""Render, queue and deliver notification mails; gather digests."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from aisc.adapters.mail import Mail, Mailer, MailError, default_mailer
from aisc.web.notify.models import DigestItem
from aisc.web.outbox import dispatch
from aisc.web.outbox.models import OutboxMessage

if TYPE_CHECKING:  # notify sits below accounts: the user model is asked of Django at run time
    from aisc.web.accounts.models import User

KIND = "notify.mail"
DIGEST_TASK = "notify.digest"
DIGEST_EVERY_SECONDS = 24 * 3600
SUBJECT_MAX = 200
log = logging.getLogger(__name__)


def render(
    user: User,
    subject: str | Promise,
    template: str,
    context: dict[str, Any],
    params: dict[str, Any] | None = None,
) -> Mail:
    """The subject's params are filled in here, in the recipient's language: `lazy % params`
    at the caller would translate it in the language of the request (or the worker) instead."""
    with translation.override(user.language):
        text = str(subject) if params is None else str(subject) % params
        text = " ".join(text.split())[:SUBJECT_MAX]
        body = render_to_string(template, {**context, "user": user})
    return Mail(to=(user.email,), subject=text, body=body)


def queue(
    user: User,
    subject: str | Promise,
    template: str,
    context: dict[str, Any],
    *,
    digest: bool = True,
    params: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Written in the caller's transaction: if the caller rolls back, no mail goes out."""
    mail = render(user, subject, template, context, params)
    payload: dict[str, Any] = {"user_id": user.pk, "subject": mail.subject, "body": mail.body}
    if not digest:
        payload["digest"] = False
    return dispatch.enqueue(KIND, payload)


@dispatch.handler(KIND)
def deliver(payload: dict[str, Any], mailer: Mailer | None = None) -> None:
    user = get_user_model().objects.filter(pk=payload["user_id"], is_active=True).first()
    if user is None:
        return  # deactivated or deleted since: nobody to tell
    if user.digest_mail and payload.get("digest", True):
        DigestItem.objects.create(user=user, subject=payload["subject"], body=payload["body"])
        return
    # The address is read now, not at queue time, so a corrected address is used.
    (mailer or default_mailer()).send(
        Mail(to=(user.email,), subject=payload["subject"], body=payload["body"])
    )


def digest_mail(user: User, items: list[DigestItem]) -> Mail:
    with translation.override(user.language):
        subject = _("Your daily AISC digest: %(count)d notifications") % {"count": len(items)}
        body = render_to_string("notify/digest.txt", {"user": user, "items": items})
    return Mail(to=(user.email,), subject=subject, body=body)


def send_digests(mailer: Mailer | None = None) -> int:
    """One mail per user with pending items. A failed send leaves that user's items for next
    time; the others still go. Returns the number of digests sent."""
    mailer = mailer or default_mailer()
    pending: dict[int, list[DigestItem]] = defaultdict(list)
    for item in DigestItem.objects.filter(sent_at__isnull=True).select_related("user"):
        pending[item.user_id].append(item)
    sent = 0
    for items in pending.values():
        user = items[0].user
        try:
            mailer.send(digest_mail(user, items))
        except MailError:
            log.warning("digest for user %s not sent; kept for the next run", user.pk)
            continue
        DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_at=timezone.now())
        sent += 1
    return sent
