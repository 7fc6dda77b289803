"""One contract for every Mailer: the real one speaking SMTP to a sink, and the in-memory fake."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from aisc.adapters.mail import DjangoMailer, Mail, Mailer, MailError, MemoryMailer
from aisc.core.errors import RuleViolation
from tests.adapters.mail.smtp_sink import SmtpSink

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str
    html: str


@dataclass
class Harness:
    mailer: Mailer
    inbox: Callable[[], list[Received]]


def from_sink(sink: SmtpSink) -> list[Received]:
    result = []
    for to, message in sink.received:
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        result.append(
            Received(
                to=to,
                subject=str(message["Subject"]),
                body=plain.get_content() if plain else "",
                html=html.get_content() if html else "",
            )
        )
    return result


def from_memory(mailer: MemoryMailer) -> list[Received]:
    return [Received(list(m.to), m.subject, m.body, m.html_body) for m in mailer.sent]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(params=["smtp", "memory"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "memory":
        fake = MemoryMailer()
        yield Harness(fake, lambda: from_memory(fake))
        return
    with SmtpSink() as sink:
        real = DjangoMailer(SMTP, host="127.0.0.1", port=sink.port, timeout=5)
        yield Harness(real, lambda: from_sink(sink))


@pytest.fixture(params=["smtp", "memory"])
def refusing(request: pytest.FixtureRequest) -> Mailer:
    """A mailer whose server is down."""
    if request.param == "memory":
        fake = MemoryMailer()
        fake.fail_with = "connection refused"
        return fake
    return DjangoMailer(SMTP, host="127.0.0.1", port=closed_port(), timeout=2)


def test_a_sent_mail_arrives_with_its_recipients_subject_and_body(harness: Harness) -> None:
    harness.mailer.send(Mail(to=("ada@example.hk",), subject="Award approved", body="Hello Ada"))
    [got] = harness.inbox()
    assert got.to == ["ada@example.hk"]
    assert got.subject == "Award approved"
    assert got.body.strip() == "Hello Ada"


def test_chinese_text_survives_the_trip(harness: Harness) -> None:
    harness.mailer.send(
        Mail(to=("ada@example.hk",), subject="撥款已批核", body="你好，資助已批核。")
    )
    [got] = harness.inbox()
    assert got.subject == "撥款已批核"
    assert got.body.strip() == "你好，資助已批核。"


def test_an_html_alternative_travels_with_the_plain_text(harness: Harness) -> None:
    harness.mailer.send(
        Mail(to=("a@example.hk", "b@example.hk"), subject="S", body="plain", html_body="<p>x</p>")
    )
    [got] = harness.inbox()
    assert sorted(got.to) == ["a@example.hk", "b@example.hk"]
    assert got.html.strip() == "<p>x</p>"


def test_a_mail_server_that_is_down_raises_mail_error(refusing: Mailer) -> None:
    with pytest.raises(MailError):
        refusing.send(Mail(to=("ada@example.hk",), subject="S", body="B"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to": ()}, "to"),
        ({"to": ("not-an-address",)}, "to"),
        ({"subject": ""}, "subject"),
        ({"subject": "two\nlines"}, "subject"),
    ],
)
def test_a_mail_without_a_recipient_or_with_a_bad_subject_is_refused(
    fields: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"to": ("a@example.hk",), "subject": "S", "body": "B", **fields}
    with pytest.raises(RuleViolation) as caught:
        Mail(**values)  # type: ignore[arg-type]
    assert caught.value.field == field
