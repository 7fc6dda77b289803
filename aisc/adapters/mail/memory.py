"""An in-memory mailer for tests; `fail_with` makes it refuse, as a down mail server would."""

from __future__ import annotations

from aisc.adapters.mail.base import Mail, MailError


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []
        self.fail_with: str | None = None

    def send(self, mail: Mail) -> None:
        if self.fail_with is not None:
            raise MailError(self.fail_with)
        self.sent.append(mail)
