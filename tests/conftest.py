"""Shared fixtures: users per role, organisations, API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
from django.test import Client
from django.utils import translation

from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import Membership, Organisation, Role, User

PASSWORD = "correct-horse-battery-staple"

# Domain fixtures that several directories use (grants' calls and applications at each step, the
# embedded cluster of allocations): visible everywhere, turned on only where asked for.
pytest_plugins = ["tests.fixtures.grants", "tests.fixtures.allocations", "tests.fixtures.demo"]

# Hypothesis times its own input generation and each example; on a shared 2-core CI machine those
# clocks measure the neighbours, not the code, so the timing checks only produce flaky failures.
hypothesis.settings.register_profile(
    "aisc", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("aisc")


@pytest.fixture(autouse=True)
def fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    """Argon2 is slow on purpose and the suite creates hundreds of users; tests marked
    `argon2` keep the real hashers (settings.PASSWORD_HASHERS) to prove passwords use them."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_only_where_tested(request: pytest.FixtureRequest, settings: Any) -> None:
    """Staff sign in with a second factor (accounts.second_factor); the tests of other things
    log staff in with force_login, which knows no second factor, so the requirement is kept
    only by tests marked `two_factor` and by the browser tests, which sign in as people do."""
    keep = {"two_factor", "browser"}
    if not any(request.node.get_closest_marker(name) for name in keep):
        settings.AISC_TWO_FACTOR_ROLES = ()


@pytest.fixture(autouse=True)
def english_again_after_each_test() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in the test's thread (the LocaleMiddleware
    sets the language of each request and never puts it back); the next test's direct calls
    (an action that mails, a CLI command) must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def no_grantee_page_kept() -> None:
    """A worker keeps the rendered grantee page per version of the list; every test's database
    starts at the version its migration wrote, whatever the list the last test left."""
    from aisc.web.grants import grantee_page

    grantee_page.forget()


def database_opened(request: pytest.FixtureRequest) -> bool:
    """Whether the test uses the database; if it does, its database fixture is set up now."""
    uses = set(request.fixturenames)
    marked = request.node.get_closest_marker("django_db") is not None
    if not (marked or uses & {"db", "transactional_db", "live_server"}):
        return False
    wanted = "transactional_db" if commits(request) or "transactional_db" in uses else "db"
    request.getfixturevalue(wanted)
    return True


@pytest.fixture(autouse=True)
def no_requests_counted_yet(request: pytest.FixtureRequest) -> None:
    """The rate limits count in the database (accounts.RateCount): each test with a database
    starts with nothing counted."""
    if not database_opened(request):
        return
    from aisc.web.accounts.models import RateCount

    RateCount.objects.all().delete()


@pytest.fixture(autouse=True)
def reference_data_seeded(request: pytest.FixtureRequest) -> None:
    """Every test with a database finds the rows that migrations seed (roles, chips), even after a
    committing test earlier in the same process flushed them (tests/reference_data.py)."""
    if database_opened(request):
        from tests.reference_data import seed_reference_data

        seed_reference_data()


@pytest.fixture(autouse=True)
def api_and_admin_writes_are_audited(settings: Any) -> Any:
    """Every successful API or admin request that changes a table writes an audit row too
    (tests/audit_guard.py); a test whose request did not fails at teardown."""
    from tests import audit_guard

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.audit_guard.AuditedWrites"]
    audit_guard.violations.clear()
    yield
    found = list(audit_guard.violations)
    audit_guard.violations.clear()
    assert found == [], "writes without an audit row: " + "; ".join(found)


def commits(request: pytest.FixtureRequest) -> bool:
    """Whether the test commits for real (pytest-django flushes the database after it)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def append_only_tables_emptied_after_committing_tests(request: pytest.FixtureRequest) -> Any:
    """The audit and billing tables refuse DELETE and TRUNCATE in the database; after a test that
    commits, they are emptied with their triggers lifted, so the flush that follows succeeds."""
    committing = commits(request)
    if committing:
        request.getfixturevalue("transactional_db")  # set up first, so its flush runs after this
    yield
    if committing:
        from tests.append_only import empty_append_only_tables

        empty_append_only_tables()


@pytest.fixture
def make_org(db: Any) -> Callable[..., Organisation]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Organisation:
        n = next(counter)
        fields.setdefault("name_en", f"Org {n}")
        fields.setdefault("kind", "university")
        fields.setdefault("registration_code", f"ORG-{n:04d}")
        return Organisation.objects.create(**fields)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        *roles: str, org: Organisation | None = None, membership: str = "member", **fields: Any
    ) -> User:
        n = next(counter)
        fields.setdefault("email", f"user{n}@example.hk")
        user = User.objects.create_user(password=PASSWORD, **fields)
        if roles:
            user.roles.set(Role.objects.filter(code__in=roles))
        if org is not None:
            Membership.objects.create(user=user, organisation=org, role=membership)
        return user

    return make


@pytest.fixture
def org(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org(name_en="Harbour University", registration_code="HU-1")


@pytest.fixture
def applicant(make_user: Callable[..., User], org: Organisation) -> User:
    return make_user(org=org, membership="admin", email="applicant@example.hk")


@pytest.fixture
def logged_in(client: Client) -> Callable[[User], Client]:
    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_client(db: Any) -> Callable[[User], Client]:
    """A client that speaks to the API with a bearer token of the given user."""

    def make(user: User) -> Client:
        issued = do_create_api_token(acting_user=user, name="tests", days=1)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")

    return make
