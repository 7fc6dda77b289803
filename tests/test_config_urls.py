"""The URL-shaped settings at their edges: each wrong one is refused naming the variable and
the rule; each right one lands where the operator meant (tests/test_config.py has the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisc.config import ConfigError, load

BASE = {"AISC_SECRET_KEY": "x" * 40}


def loaded(tmp_path: Path, **extra: str):  # type: ignore[no-untyped-def]
    return load({**BASE, "AISC_DATA_DIR": str(tmp_path), **extra})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "AISC_DATABASE_URL",
            "sqlite://",
            "AISC_DATABASE_URL: a sqlite URL needs a file path, e.g. sqlite:///var/aisc.db",
        ),
        (
            "AISC_DATABASE_URL",
            "postgresql://aisc@db:99999/aisc",
            "AISC_DATABASE_URL: the port must be a number from 1 to 65535",
        ),
        (
            "AISC_DATABASE_URL",
            "postgresql://aisc@db:five/aisc",
            "AISC_DATABASE_URL: the port must be a number from 1 to 65535",
        ),
        (
            "AISC_EMAIL_URL",
            "smtp://",
            "AISC_EMAIL_URL: an smtp URL needs a host, e.g. smtp://mail.example:25",
        ),
        (
            "AISC_EMAIL_URL",
            "smtp://mail.hk:twenty-five",
            "AISC_EMAIL_URL: the port must be a number from 1 to 65535",
        ),
        (
            "AISC_ALLOWED_HOSTS",
            " , ,",
            "AISC_ALLOWED_HOSTS: must list at least one host, comma-separated",
        ),
    ],
)
def test_a_wrong_value_is_refused_with_one_line_naming_the_variable(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        loaded(tmp_path, **{name: value})
    assert str(info.value) == message


def test_sqlite_urls_take_a_relative_path_after_three_slashes_and_an_absolute_after_four(
    tmp_path: Path,
) -> None:
    relative = loaded(tmp_path, AISC_DATABASE_URL="sqlite:///var/aisc.db").database
    assert (relative.engine, relative.name) == ("sqlite", "var/aisc.db")
    absolute = loaded(tmp_path, AISC_DATABASE_URL=f"sqlite:///{tmp_path}/my%20db.sqlite3")
    assert absolute.database.name == f"{tmp_path}/my db.sqlite3"


def test_a_postgresql_host_may_come_as_a_socket_directory_in_the_query(tmp_path: Path) -> None:
    db = loaded(
        tmp_path, AISC_DATABASE_URL="postgresql://aisc@/aisc?host=/var/run/postgresql"
    ).database
    assert (db.engine, db.name, db.user, db.host, db.port) == (
        "postgresql",
        "aisc",
        "aisc",
        "/var/run/postgresql",
        "",
    )


def test_file_mail_goes_to_the_given_folder_or_to_mail_under_the_data_dir(tmp_path: Path) -> None:
    given = loaded(tmp_path, AISC_EMAIL_URL="file:///srv/aisc/outgoing").email
    assert (given.backend, given.path) == ("file", "/srv/aisc/outgoing")
    default = loaded(tmp_path, AISC_EMAIL_URL="file://").email
    assert default.path == str(tmp_path / "mail")


def test_plain_smtp_defaults_to_port_25_without_tls_and_keeps_the_login(tmp_path: Path) -> None:
    mail = loaded(tmp_path, AISC_EMAIL_URL="smtp://ops%40aisc.hk:p%3Ass@mail.hk").email
    assert (mail.host, mail.port, mail.use_tls) == ("mail.hk", 25, False)
    assert (mail.user, mail.password) == ("ops@aisc.hk", "p:ss")
    starttls = loaded(tmp_path, AISC_EMAIL_URL="smtp+tls://mail.hk:587").email
    assert (starttls.port, starttls.use_tls) == (587, True)


@pytest.mark.parametrize(("raw", "expected"), [("Yes", True), (" ON ", True), ("off", False)])
def test_debug_reads_the_usual_words_for_on_and_off(
    tmp_path: Path, raw: str, expected: bool
) -> None:
    assert loaded(tmp_path, AISC_DEBUG=raw).debug is expected


def test_allowed_hosts_are_split_on_commas_and_trimmed(tmp_path: Path) -> None:
    cfg = loaded(tmp_path, AISC_ALLOWED_HOSTS=" aisc.hk , www.aisc.hk,")
    assert cfg.allowed_hosts == ("aisc.hk", "www.aisc.hk")
