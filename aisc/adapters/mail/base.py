"""What a mail is, and what sending one promises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aisc.core.errors import RuleViolation


class MailError(Exception):
    """The mail could not be handed over; the outbox retries it later."""


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str
    html_body: str = ""
    reply_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.to or any("@" not in address for address in self.to):
            raise RuleViolation("must list at least one email address", field="to")
        if not self.subject.strip() or "\n" in self.subject or "\r" in self.subject:
            raise RuleViolation("must be one non-empty line", field="subject")


class Mailer(Protocol):
    def send(self, mail: Mail) -> None:
        """Hand the mail over for delivery, or raise MailError."""
        ...
