from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.catalogue import demo
from aisc.web.demo import DemoReport


@pytest.fixture
def centre(db: Any) -> DemoReport:
    """The demo catalogue: cluster aisc-hk, 2 h800 and 2 br104 nodes, cards and rates."""
    report = DemoReport()
    demo.load(report)
    return report


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Argon2 is deliberately slow; these tests create many users and test no passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_client(client: Client, make_user: Callable[..., User]) -> Client:
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def card_form(valid_from: str, price: str, **more: str) -> dict[str, str]:
    """The admin's rate-card form as a browser posts it (no partition premiums unless given)."""
    return {
        "chip": "h800",
        "valid_from": valid_from,
        "price": price,
        "dedicated_premium": "0",
        "premiums-TOTAL_FORMS": "0",
        "premiums-INITIAL_FORMS": "0",
        **more,
    }
