from typing import Any

import pytest

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
