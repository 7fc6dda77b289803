"""The demo's people (aisc/web/demo/people.py) and its loader registry (aisc/web/demo_load.py):
seven organisations, one login per staff role and three applicants, all able to log in with the
printed password; loading twice changes nothing."""

from __future__ import annotations

import inspect

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.demo import DEMO_PASSWORD, DemoReport, people
from aisc.web.demo_load import LOADERS
from aisc.web.grants.conflicts import conflict_of


@pytest.fixture
def report(db: None) -> DemoReport:
    loaded = DemoReport()
    people.load(loaded)
    return loaded


def test_it_registers_loaders_that_each_take_the_report(db: None) -> None:
    assert LOADERS[0] is people.load  # everyone else needs its people
    assert len(set(LOADERS)) == len(LOADERS)
    for load in LOADERS:
        assert list(inspect.signature(load).parameters) == ["report"], load.__module__


def test_it_creates_the_seven_organisations_with_both_names(report: DemoReport) -> None:
    orgs = {o.registration_code: o for o in Organisation.objects.all()}
    assert set(orgs) == {code for code, *_ in people.ORGANISATIONS}
    assert (orgs["HKU-DEMO"].name_en, orgs["HKU-DEMO"].name_zh) == (
        "Harbour University",
        "海港大學",
    )
    assert orgs["JNK-DEMO"].kind == "startup"
    assert orgs["VBK-DEMO"].contact_email == "contact@vbk-demo.demo"


def test_it_gives_each_staff_login_its_role_and_only_the_admin_is_django_staff(
    report: DemoReport,
) -> None:
    for role, email, name in people.STAFF:
        user = User.objects.get(email=email)
        expected = Role.REVIEWER if role.startswith("reviewer") else role
        assert user.role_codes() == {expected}, email
        assert user.full_name == name
        assert user.is_staff is (expected == Role.ADMIN)
        assert not user.memberships.exists()


def test_every_staff_role_has_a_demo_login(report: DemoReport) -> None:
    staff = {User.objects.get(email=email).role_codes() for _, email, _ in people.STAFF}
    assert {code for codes in staff for code in codes} == set(Role.ALL)


def test_it_makes_each_applicant_the_admin_of_their_organisation(report: DemoReport) -> None:
    for _, email, _, code, membership in people.APPLICANTS:
        (held,) = Membership.objects.filter(user__email=email)
        assert (held.organisation.registration_code, held.role) == (code, membership)
        assert User.objects.get(email=email).role_codes() == frozenset()


def test_the_report_lists_every_login_with_the_printed_password(report: DemoReport) -> None:
    emails = [email for _, email, _ in report.logins]
    assert emails == [e for _, e, _ in people.STAFF] + [e for _, e, *_ in people.APPLICANTS]
    assert {password for *_, password in report.logins} == {DEMO_PASSWORD}
    assert ("applicant (JNK-DEMO)", "startup@aisc.demo", DEMO_PASSWORD) in report.logins


@pytest.mark.parametrize("email", ["admin@aisc.demo", "reviewer2@aisc.demo", "bank@aisc.demo"])
def test_a_demo_login_works_in_the_portal(report: DemoReport, email: str) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["email"] == email


def test_the_second_reviewer_has_a_declared_conflict_with_the_startup(report: DemoReport) -> None:
    reviewer = User.objects.get(email="reviewer2@aisc.demo")
    assert reviewer.declared_relationships == "JNK-DEMO"

    class Startup:  # conflict_of reads only the organisation of the application
        organisation = Organisation.objects.get(registration_code="JNK-DEMO")
        organisation_id = organisation.pk

    assert conflict_of(reviewer, Startup()) is not None  # type: ignore[arg-type]


def test_loading_twice_creates_nobody_new_and_audits_nothing_more(report: DemoReport) -> None:
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    events = AuditEvent.objects.count()
    again = DemoReport()
    people.load(again)
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
    assert again.logins == report.logins


def test_loading_keeps_a_password_someone_changed(report: DemoReport) -> None:
    admin = User.objects.get(email="admin@aisc.demo")
    admin.set_password("a-new-secret-2027")
    admin.save()
    people.load(DemoReport())
    admin.refresh_from_db()
    assert admin.check_password("a-new-secret-2027")
    assert not admin.check_password(DEMO_PASSWORD)


def test_creating_the_people_is_audited_as_the_system(report: DemoReport) -> None:
    created = AuditEvent.objects.filter(verb="accounts.user.create")
    assert created.count() == len(people.STAFF) + len(people.APPLICANTS)
    assert set(created.values_list("actor_label", flat=True)) == {"system"}
    assert AuditEvent.objects.filter(verb="accounts.organisation.create").count() == len(
        people.ORGANISATIONS
    )
