from pathlib import Path

import pytest

from aisc.config import ConfigError, create_secret_key, load

BASE = {"AISC_SECRET_KEY": "x" * 40}


def env(**extra: str) -> dict[str, str]:
    return {**BASE, **extra}


def test_it_defaults_to_a_sqlite_file_under_the_data_dir(tmp_path: Path) -> None:
    cfg = load(env(AISC_DATA_DIR=str(tmp_path)))
    assert cfg.database.engine == "sqlite"
    assert cfg.database.name == str(tmp_path / "aisc.sqlite3")
    assert cfg.time_zone == "Asia/Hong_Kong"
    assert cfg.cluster == "embedded"


def test_it_parses_a_postgresql_url(tmp_path: Path) -> None:
    cfg = load(
        env(AISC_DATA_DIR=str(tmp_path), AISC_DATABASE_URL="postgresql://u:p%40ss@db:5433/aisc")
    )
    assert (cfg.database.engine, cfg.database.user, cfg.database.password) == (
        "postgresql",
        "u",
        "p@ss",
    )
    assert (cfg.database.host, cfg.database.port, cfg.database.name) == ("db", "5433", "aisc")


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("AISC_DATABASE_URL", "nonsense", "must be a sqlite:///PATH or postgresql://"),
        ("AISC_DATABASE_URL", "postgresql://host/", "needs a database name"),
        ("AISC_DEBUG", "maybe", "must be one of 1/0"),
        ("AISC_TIME_ZONE", "Mars/Olympus", "IANA time zone"),
        ("AISC_EMAIL_URL", "pigeon://x", "must be console://"),
        ("AISC_CLUSTER", "cloud", "'embedded' or 'slurm'"),
        ("AISC_EMBEDDED_POLICY", "las", "cannot hold jobs back"),
        ("AISC_SECRET_KEY", "short", "at least 32 characters"),
        ("AISC_USAGE_INGEST_MINUTES", "0", "a number of minutes above zero"),
        ("AISC_USAGE_INGEST_MINUTES", "-5", "a number of minutes above zero"),
        ("AISC_USAGE_INGEST_MINUTES", "quarter", "a number of minutes above zero"),
        ("AISC_USAGE_INGEST_MINUTES", "nan", "a number of minutes above zero"),
        ("AISC_USAGE_INGEST_MINUTES", "inf", "a number of minutes above zero"),
        ("AISC_SLURM_RECONCILE_MINUTES", "ten", "a number of minutes above zero"),
        ("AISC_SLURM_RECONCILE_MINUTES", "-1", "a number of minutes above zero"),
        ("AISC_OUTBOX_MAX_ATTEMPTS", "0", "a whole number of at least 1"),
        ("AISC_OUTBOX_MAX_ATTEMPTS", "three", "a whole number of at least 1"),
        ("AISC_OUTBOX_MAX_ATTEMPTS", "2.5", "a whole number of at least 1"),
        ("AISC_TOKEN_MAX_DAYS", "0", "a whole number of at least 1"),
        ("AISC_TOKEN_MAX_DAYS", "a year", "a whole number of at least 1"),
    ],
)
def test_it_rejects_a_bad_value_naming_the_variable_and_the_rule(
    tmp_path: Path, name: str, value: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load(env(AISC_DATA_DIR=str(tmp_path), **{name: value}))
    message = str(info.value)
    assert message.startswith(f"{name}:")
    assert fragment in message
    assert "\n" not in message


def test_it_generates_and_keeps_a_secret_key_for_the_demo(tmp_path: Path) -> None:
    first = load({"AISC_DATA_DIR": str(tmp_path)}).secret_key
    second = load({"AISC_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_it_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("k" * 50 + "\n")
    cfg = load({"AISC_DATA_DIR": str(tmp_path), "AISC_SECRET_KEY_FILE": str(key_file)})
    assert cfg.secret_key == "k" * 50


def test_it_names_an_unreadable_secret_key_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AISC_SECRET_KEY_FILE: must name a readable file"):
        load({"AISC_DATA_DIR": str(tmp_path), "AISC_SECRET_KEY_FILE": str(tmp_path / "none")})


def test_it_parses_email_urls(tmp_path: Path) -> None:
    cfg = load(env(AISC_DATA_DIR=str(tmp_path), AISC_EMAIL_URL="smtps://me:pw@mail.hk"))
    assert (cfg.email.backend, cfg.email.host, cfg.email.port, cfg.email.use_ssl) == (
        "smtp",
        "mail.hk",
        465,
        True,
    )
    assert not cfg.email.use_tls  # TLS from the first byte, not STARTTLS
    assert (
        load(env(AISC_DATA_DIR=str(tmp_path), AISC_EMAIL_URL="memory://")).email.backend == "memory"
    )


def test_a_second_process_creating_the_key_at_the_same_time_keeps_the_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secret_key"
    create_secret_key(path)
    first = path.read_text()
    create_secret_key(path)  # lost the race: the key already exists
    assert path.read_text() == first
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_worker_periods_default_to_15_and_10_minutes(tmp_path: Path) -> None:
    cfg = load(env(AISC_DATA_DIR=str(tmp_path)))
    assert (cfg.usage_ingest_minutes, cfg.slurm_reconcile_minutes) == (15.0, 10.0)


def test_the_worker_periods_take_minutes_with_fractions(tmp_path: Path) -> None:
    cfg = load(
        env(
            AISC_DATA_DIR=str(tmp_path),
            AISC_USAGE_INGEST_MINUTES=" 0.5 ",
            AISC_SLURM_RECONCILE_MINUTES="30",
        )
    )
    assert (cfg.usage_ingest_minutes, cfg.slurm_reconcile_minutes) == (0.5, 30.0)


def test_the_embedded_cluster_runs_backfill_unless_told_another_policy_that_can_hold_jobs(
    tmp_path: Path,
) -> None:
    assert load(env(AISC_DATA_DIR=str(tmp_path))).embedded_policy == "backfill"
    chosen = load(env(AISC_DATA_DIR=str(tmp_path), AISC_EMBEDDED_POLICY="fifo"))
    assert chosen.embedded_policy == "fifo"


def test_a_message_becomes_a_dead_letter_after_ten_failures_unless_told_otherwise(
    tmp_path: Path,
) -> None:
    assert load(env(AISC_DATA_DIR=str(tmp_path))).outbox_max_attempts == 10
    chosen = load(env(AISC_DATA_DIR=str(tmp_path), AISC_OUTBOX_MAX_ATTEMPTS=" 3 "))
    assert chosen.outbox_max_attempts == 3


def test_it_generates_an_audit_anchor_key_apart_from_the_secret_key(tmp_path: Path) -> None:
    cfg = load({"AISC_DATA_DIR": str(tmp_path)})
    assert len(cfg.audit_anchor_key) >= 32
    assert cfg.audit_anchor_key != cfg.secret_key
    assert load({"AISC_DATA_DIR": str(tmp_path)}).audit_anchor_key == cfg.audit_anchor_key
    assert cfg.audit_anchor_dir == tmp_path.resolve() / "audit-anchors"
    assert cfg.audit_anchor_mail_minutes == 1440.0


def test_it_reads_the_audit_anchor_key_from_the_environment_or_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "anchor.key"
    key_file.write_text("a" * 40 + "\n")
    env = {"AISC_DATA_DIR": str(tmp_path), "AISC_AUDIT_ANCHOR_KEY_FILE": str(key_file)}
    assert load(env).audit_anchor_key == "a" * 40
    assert load({**env, "AISC_AUDIT_ANCHOR_KEY": "b" * 32}).audit_anchor_key == "b" * 32


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AISC_AUDIT_ANCHOR_KEY": "short"}, "AISC_AUDIT_ANCHOR_KEY: must be at least 32"),
        ({"AISC_AUDIT_ANCHOR_KEY_FILE": "/nonexistent/k"}, "AISC_AUDIT_ANCHOR_KEY_FILE: must name"),
        ({"AISC_AUDIT_ANCHOR_MINUTES": "0"}, "AISC_AUDIT_ANCHOR_MINUTES: must be a number"),
        ({"AISC_AUDIT_ANCHOR_MAIL_MINUTES": "x"}, "AISC_AUDIT_ANCHOR_MAIL_MINUTES: must be a"),
    ],
)
def test_it_names_a_bad_audit_anchor_setting(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load({"AISC_DATA_DIR": str(tmp_path), **env})


def test_an_api_token_lives_at_most_a_year_and_a_day_unless_told_otherwise(
    tmp_path: Path,
) -> None:
    assert load(env(AISC_DATA_DIR=str(tmp_path))).token_max_days == 366
    assert load(env(AISC_DATA_DIR=str(tmp_path), AISC_TOKEN_MAX_DAYS="30")).token_max_days == 30


def test_the_credit_thresholds_default_to_80_and_100_percent_unless_told_otherwise(
    tmp_path: Path,
) -> None:
    default = load(env(AISC_DATA_DIR=str(tmp_path)))
    assert (default.credit_warn_percent, default.credit_stop_percent) == (80, 100)
    chosen = load(
        env(
            AISC_DATA_DIR=str(tmp_path),
            AISC_CREDIT_WARN_PERCENT="70",
            AISC_CREDIT_STOP_PERCENT="95",
        )
    )
    assert (chosen.credit_warn_percent, chosen.credit_stop_percent) == (70, 95)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"AISC_CREDIT_WARN_PERCENT": "100"}, "AISC_CREDIT_WARN_PERCENT: must be a whole number"),
        ({"AISC_CREDIT_STOP_PERCENT": "120"}, "AISC_CREDIT_STOP_PERCENT: must be a whole number"),
        (
            {"AISC_CREDIT_WARN_PERCENT": "90", "AISC_CREDIT_STOP_PERCENT": "90"},
            "AISC_CREDIT_WARN_PERCENT: must be below AISC_CREDIT_STOP_PERCENT",
        ),
    ],
)
def test_credit_thresholds_out_of_range_or_order_are_refused_naming_the_variable(
    tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load(env(AISC_DATA_DIR=str(tmp_path), **extra))
