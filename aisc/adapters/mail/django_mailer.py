"""The real mailer: Django's configured e-mail backend (SMTP, file, console or locmem)."""

from __future__ import annotations

import smtplib

from aisc.adapters.mail.base import Mail, MailError


class DjangoMailer:
    def __init__(self, backend: str | None = None, **backend_options: object) -> None:
        # None = settings.EMAIL_BACKEND, which aisc.config derives from AISC_EMAIL_URL.
        self.backend = backend
        self.backend_options = backend_options

    def send(self, mail: Mail) -> None:
        from django.core.mail import EmailMultiAlternatives, get_connection

        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body,
            to=list(mail.to),
            reply_to=list(mail.reply_to),
            connection=get_connection(self.backend, fail_silently=False, **self.backend_options),
        )
        if mail.html_body:
            message.attach_alternative(mail.html_body, "text/html")
        try:
            delivered = message.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"{type(exc).__name__}: {exc}") from exc
        if delivered != 1:
            raise MailError("the mail backend accepted no message")
