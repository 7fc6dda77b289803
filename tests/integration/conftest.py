from collections.abc import Iterator

import pytest

from tests.integration.own_database import drop_templates


@pytest.fixture(scope="session", autouse=True)
def _drop_own_database_templates() -> Iterator[None]:
    yield
    drop_templates()
