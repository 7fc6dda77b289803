"""Single sign-on's settings: off unless AISC_OIDC_CLIENT_ID is set; then complete, https (or
loopback http), a readable secret, and domain=organisation pairs; each mistake one line."""

from pathlib import Path
from typing import Any

import pytest

from aisc.config import ConfigError, load
from aisc.config_sso import OidcConfig, parse_oidc

FULL = {
    "AISC_OIDC_CLIENT_ID": "aisc",
    "AISC_OIDC_CLIENT_SECRET": "s3cret",
    "AISC_OIDC_AUTHORIZATION_URL": "https://id.centre.hk/authorize",
    "AISC_OIDC_TOKEN_URL": "https://id.centre.hk/token",
    "AISC_OIDC_USERINFO_URL": "https://id.centre.hk/userinfo",
    "AISC_OIDC_JWKS_URL": "https://id.centre.hk/jwks",
}


def test_single_sign_on_is_off_without_a_client_id(tmp_path: Path) -> None:
    cfg = load({"AISC_SECRET_KEY": "x" * 40, "AISC_DATA_DIR": str(tmp_path)})
    assert cfg.oidc == OidcConfig()
    assert not cfg.oidc.enabled


def test_a_complete_provider_is_read_with_its_name_and_domains() -> None:
    oidc = parse_oidc(
        {
            **FULL,
            "AISC_OIDC_PROVIDER_NAME": " Harbour ID ",
            "AISC_OIDC_DOMAINS": "Harbour.edu.hk=HKU-1, ,lab.peak.edu.hk = PRU-2",
        }
    )
    assert oidc.enabled
    assert (oidc.client_id, oidc.client_secret, oidc.provider_name) == (
        "aisc",
        "s3cret",
        "Harbour ID",
    )
    assert oidc.token_url == "https://id.centre.hk/token"
    assert oidc.domains == (("harbour.edu.hk", "HKU-1"), ("lab.peak.edu.hk", "PRU-2"))
    assert parse_oidc(FULL).provider_name == "single sign-on"


def test_the_secret_may_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    without = {k: v for k, v in FULL.items() if k != "AISC_OIDC_CLIENT_SECRET"}
    assert parse_oidc({**without, "AISC_OIDC_CLIENT_SECRET_FILE": str(secret)}).client_secret == (
        "from-a-file"
    )
    with pytest.raises(ConfigError, match=r"^AISC_OIDC_CLIENT_SECRET_FILE: must name a readable"):
        parse_oidc({**without, "AISC_OIDC_CLIENT_SECRET_FILE": str(tmp_path / "none")})


def test_http_is_allowed_only_on_loopback() -> None:
    local = parse_oidc({**FULL, "AISC_OIDC_TOKEN_URL": "http://127.0.0.1:18310/o/token/"})
    assert local.token_url == "http://127.0.0.1:18310/o/token/"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"AISC_OIDC_CLIENT_ID": ""}, "AISC_OIDC_CLIENT_ID: is required when AISC_OIDC_AUTH"),
        ({"AISC_OIDC_CLIENT_SECRET": ""}, "AISC_OIDC_CLIENT_SECRET: is required when"),
        ({"AISC_OIDC_JWKS_URL": ""}, "AISC_OIDC_JWKS_URL: is required when AISC_OIDC_CLIENT_ID"),
        ({"AISC_OIDC_TOKEN_URL": "http://id.centre.hk/token"}, "AISC_OIDC_TOKEN_URL: must be an"),
        ({"AISC_OIDC_USERINFO_URL": "id.centre.hk"}, "AISC_OIDC_USERINFO_URL: must be an https"),
        ({"AISC_OIDC_DOMAINS": "harbour.edu.hk"}, "AISC_OIDC_DOMAINS: each entry must be"),
        ({"AISC_OIDC_DOMAINS": "not a domain=X"}, "AISC_OIDC_DOMAINS: each entry must be"),
        ({"AISC_OIDC_DOMAINS": "harbour.edu.hk="}, "AISC_OIDC_DOMAINS: each entry must be"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(changes: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_oidc({**FULL, **changes})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


@pytest.mark.django_db
def test_the_deploy_check_names_a_domain_mapped_to_no_organisation(settings: Any) -> None:
    from aisc.web.accounts.models import Organisation
    from aisc.web.ops.checks import sso_domains

    Organisation.objects.create(name_en="Harbour", kind="university", registration_code="HKU-1")
    settings.AISC_OIDC = parse_oidc({**FULL, "AISC_OIDC_DOMAINS": "a.edu.hk=HKU-1,b.edu.hk=NOPE"})
    (problem,) = sso_domains()
    assert problem.id == "aisc.E009"
    assert problem.msg == "AISC_OIDC_DOMAINS: no organisation has the registration code 'NOPE'"
    settings.AISC_OIDC = parse_oidc(FULL)
    assert sso_domains() == []
