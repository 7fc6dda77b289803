"""Outgoing mail: a `Mailer` Protocol, the real one (Django's configured backend: SMTP in
production, per AISC_EMAIL_URL) and an in-memory fake."""

from __future__ import annotations

from aisc.adapters.mail.base import Mail, Mailer, MailError
from aisc.adapters.mail.django_mailer import DjangoMailer
from aisc.adapters.mail.memory import MemoryMailer

__all__ = ["DjangoMailer", "Mail", "MailError", "Mailer", "MemoryMailer", "default_mailer"]


def default_mailer() -> Mailer:
    return DjangoMailer()
