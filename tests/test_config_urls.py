"""The URL-shaped settings at their edges: each wrong one is refused naming the variable and
the rule; each right one lands where the operator meant (tests/test_config.py has the rest)."""

from __future__ import annotations

import os
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
            "AISC_EMAIL_URL",
            "smtp+tls://mail.hk?timeout=soon",
            "AISC_EMAIL_URL: ?timeout= must be a whole number of seconds",
        ),
        (
            "AISC_PUBLIC_URL",
            "aisc.example.hk",
            "AISC_PUBLIC_URL: must be http(s)://HOST[:PORT], e.g. https://aisc.example.hk",
        ),
        (
            "AISC_PUBLIC_URL",
            "https://aisc.example.hk/portal",
            "AISC_PUBLIC_URL: aisc is served at the root: no path, query or fragment",
        ),
        (
            "AISC_PUBLIC_URL",
            "https://aisc.example.hk:70000",
            "AISC_PUBLIC_URL: the port must be a number from 1 to 65535",
        ),
        (
            "AISC_PROXY_TLS_HEADER",
            "X Forwarded: Proto",
            "AISC_PROXY_TLS_HEADER: must be an HTTP header name such as X-Forwarded-Proto, or none",
        ),
        (
            "AISC_WEB_WORKERS",
            "0",
            "AISC_WEB_WORKERS: must be a whole number from 1 to 256 (got '0')",
        ),
        (
            "AISC_WEB_WORKERS",
            "many",
            "AISC_WEB_WORKERS: must be a whole number from 1 to 256 (got 'many')",
        ),
        ("AISC_PORT", "http", "AISC_PORT: must be a whole number from 1 to 65535 (got 'http')"),
        (
            "AISC_DB_CONN_MAX_AGE",
            "-1",
            "AISC_DB_CONN_MAX_AGE: must be a whole number from 0 to 86400 (got '-1')",
        ),
        (
            "AISC_HSTS_SECONDS",
            "a year",
            "AISC_HSTS_SECONDS: must be a whole number from 0 to 315360000 (got 'a year')",
        ),
        ("AISC_LOG_FORMAT", "xml", "AISC_LOG_FORMAT: must be one of text, json (got 'xml')"),
        (
            "AISC_LOG_LEVEL",
            "loud",
            "AISC_LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR (got 'LOUD')",
        ),
        (
            "AISC_EMBEDDED_ADVANCE_SECONDS",
            "0",
            "AISC_EMBEDDED_ADVANCE_SECONDS: must be a number of seconds above zero (got '0')",
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


def test_query_parameters_of_the_database_url_reach_the_driver(tmp_path: Path) -> None:
    url = "postgresql://aisc:pw@db.hk/aisc?sslmode=require&sslrootcert=/etc/aisc/ca.pem"
    db = loaded(tmp_path, AISC_DATABASE_URL=url).database
    assert db.options == {"sslmode": "require", "sslrootcert": "/etc/aisc/ca.pem"}
    assert (db.host, db.port, db.user) == ("db.hk", "", "aisc")


def test_smtp_tls_means_starttls_on_587_and_smtps_means_tls_from_the_first_byte(
    tmp_path: Path,
) -> None:
    starttls = loaded(tmp_path, AISC_EMAIL_URL="smtp+tls://ops:pw@mail.hk").email
    assert (starttls.port, starttls.use_tls, starttls.use_ssl) == (587, True, False)
    assert (starttls.user, starttls.password) == ("ops", "pw")
    implicit = loaded(tmp_path, AISC_EMAIL_URL="smtps://mail.hk?timeout=20").email
    assert (implicit.port, implicit.use_tls, implicit.use_ssl) == (465, False, True)
    assert implicit.timeout == 20
    plain = loaded(tmp_path, AISC_EMAIL_URL="smtp://mail.hk").email
    assert (plain.port, plain.use_tls, plain.use_ssl) == (25, False, False)


def test_a_plain_loopback_start_needs_no_public_url_and_sends_no_hsts(tmp_path: Path) -> None:
    cfg = loaded(tmp_path)
    assert cfg.public_url.origin == ""
    assert not cfg.public_url.https
    assert (cfg.hsts_seconds, cfg.proxy_tls_header, cfg.conn_max_age) == (0, "", 0)
    assert (cfg.bind_host, cfg.bind_port, cfg.log_format, cfg.metrics_token) == (
        "127.0.0.1",
        8000,
        "text",
        "",
    )
    assert cfg.web_workers == len(os.sched_getaffinity(0))  # one per core
    assert cfg.static_root == tmp_path.resolve() / "static"
    assert cfg.embedded_advance_seconds == 60.0


def test_an_https_public_url_is_an_allowed_host_and_turns_on_hsts_behind_the_proxy(
    tmp_path: Path,
) -> None:
    cfg = loaded(tmp_path, AISC_PUBLIC_URL="https://aisc.example.hk/")
    assert cfg.public_url.origin == "https://aisc.example.hk"
    assert cfg.public_url.https
    assert "aisc.example.hk" in cfg.allowed_hosts
    assert "127.0.0.1" in cfg.allowed_hosts  # the monitor still probes the loopback port
    assert cfg.proxy_tls_header == "X-Forwarded-Proto"
    assert cfg.hsts_seconds == 365 * 24 * 3600
    no_proxy = loaded(
        tmp_path,
        AISC_PUBLIC_URL="https://aisc.example.hk",
        AISC_PROXY_TLS_HEADER="none",
        AISC_HSTS_SECONDS="600",
    )
    assert (no_proxy.proxy_tls_header, no_proxy.hsts_seconds) == ("", 600)


def test_the_server_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    cfg = loaded(
        tmp_path,
        AISC_HOST="10.0.0.5",
        AISC_PORT="8080",
        AISC_WEB_WORKERS="4",
        AISC_DB_CONN_MAX_AGE="60",
        AISC_LOG_FORMAT="json",
        AISC_LOG_LEVEL="warning",
        AISC_METRICS_TOKEN=" s3cret ",
        AISC_STATIC_ROOT=str(tmp_path / "collected"),
        AISC_EMBEDDED_ADVANCE_SECONDS="2.5",
    )
    assert (cfg.bind_host, cfg.bind_port, cfg.web_workers, cfg.conn_max_age) == (
        "10.0.0.5",
        8080,
        4,
        60,
    )
    assert (cfg.log_format, cfg.log_level, cfg.metrics_token) == ("json", "WARNING", "s3cret")
    assert cfg.static_root == tmp_path / "collected"
    assert cfg.embedded_advance_seconds == 2.5
