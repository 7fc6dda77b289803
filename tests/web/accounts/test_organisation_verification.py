"""Registering an organisation, joining one, and the secretariat's verification: the
organisation waits in the secretariat's queue, and submits applications only once verified."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.web.accounts import invitations, registration
from aisc.web.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    RegistrationDocument,
    Role,
    User,
)
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import verify
from aisc.web.outbox.dispatch import drain

pytestmark = pytest.mark.django_db
BASE = "http://testserver/"
PDF = b"%PDF-1.4 registration certificate"
FIELDS = {
    "name_en": "Kowloon Robotics Ltd",
    "name_zh": "九龍機械人有限公司",
    "kind": "startup",
    "registration_code": "BR-7788",
    "contact_email": "ops@kowloon-robotics.example.hk",
}


def certificate(name: str = "certificate.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def founder(make_user: Callable[..., User], files_dir: Path) -> User:
    return make_user(email="founder@kowloon-robotics.example.hk", full_name="Chan Siu Ming")


@pytest.fixture
def pending(founder: User) -> Organisation:
    return registration.do_register_organisation(
        acting_user=founder,
        document_name="certificate.pdf",
        document=io.BytesIO(PDF),
        document_size=len(PDF),
        **FIELDS,
    )


@pytest.fixture
def secretary(make_user: Callable[..., User]) -> User:
    return make_user(Role.SECRETARIAT, email="secretariat@aisc.example.hk")


def test_registering_makes_the_person_its_admin_keeps_the_document_and_waits(
    founder: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(founder)
    response = client.post(
        "/accounts/organisations/register/", {**FIELDS, "document": certificate()}
    )
    assert response.status_code == 302
    org = Organisation.objects.get(registration_code="BR-7788")
    assert org.status == "pending"
    assert Membership.objects.get(user=founder, organisation=org).role == "admin"
    [doc] = RegistrationDocument.objects.filter(organisation=org)
    assert (doc.name, doc.content_type) == ("certificate.pdf", "application/pdf")
    event = AuditEvent.objects.get(verb="accounts.organisation.register")
    assert event.actor == founder
    assert event.after is not None
    assert event.after["status"] == "pending"
    page = client.get(response["Location"])
    assert b"Waiting for verification" in page.content


def test_a_refused_registration_keeps_every_value_and_names_the_field(
    founder: User, logged_in: Callable[[User], Client], make_org: Callable[..., Organisation]
) -> None:
    make_org(registration_code="BR-7788")
    client = logged_in(founder)
    page = client.post("/accounts/organisations/register/", {**FIELDS, "document": certificate()})
    assert page.status_code == 422
    assert b"ask to join it instead" in page.content
    assert "九龍機械人有限公司".encode() in page.content
    assert not RegistrationDocument.objects.exists()


def test_a_document_that_is_not_what_its_name_says_is_refused(
    founder: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(founder).post(
        "/accounts/organisations/register/",
        {**FIELDS, "document": certificate("certificate.pdf", b"<script>alert(1)</script>")},
    )
    assert page.status_code == 422
    assert b"not a .pdf file" in page.content
    assert not Organisation.objects.filter(registration_code="BR-7788").exists()


def test_only_the_four_kinds_may_be_registered_by_a_person(founder: User) -> None:
    with pytest.raises(RuleViolation) as caught:
        registration.do_register_organisation(
            acting_user=founder,
            document_name="certificate.pdf",
            document=io.BytesIO(PDF),
            document_size=len(PDF),
            **{**FIELDS, "kind": "other"},
        )
    assert caught.value.field == "kind"


def test_the_secretariat_finds_it_in_its_queue_reads_the_document_and_the_read_is_audited(
    pending: Organisation, secretary: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(secretary)
    dashboard = client.get("/dashboard/")
    url = f"/accounts/organisations/{pending.pk}/verify/"
    assert url.encode() in dashboard.content
    assert b"Organisation to verify: Kowloon Robotics Ltd" in dashboard.content
    page = client.get(url)
    assert page.status_code == 200
    doc = pending.registration_documents.get()
    download = client.get(f"/accounts/organisations/{pending.pk}/documents/{doc.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(verb="accounts.organisation.document_download").count() == 1


def test_an_outsider_cannot_download_a_registration_document(
    pending: Organisation, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    doc = pending.registration_documents.get()
    client = logged_in(make_user())
    url = f"/accounts/organisations/{pending.pk}/documents/{doc.pk}/"
    assert client.get(url).status_code == 403
    assert client.get(f"/accounts/organisations/{pending.pk}/verify/").status_code == 403


def test_verifying_mails_the_admins_and_leaves_the_queue(
    pending: Organisation, secretary: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(secretary)
    done = client.post(f"/accounts/organisations/{pending.pk}/verify/", {"answer": "verify"})
    assert done.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "verified"
    assert AuditEvent.objects.filter(verb="accounts.organisation.verify", actor=secretary).exists()
    drain()
    assert mail.outbox[-1].to == ["founder@kowloon-robotics.example.hk"]
    assert mail.outbox[-1].subject == "Your organisation is verified on AISC"
    assert b"Organisation to verify" not in client.get("/dashboard/").content
    with pytest.raises(InvalidTransition):
        registration.do_refuse_organisation(
            acting_user=secretary, organisation=pending, reason="late", base_url=BASE
        )
    assert verify() is None


def test_a_refusal_needs_a_reason_which_is_mailed_and_a_new_document_brings_it_back(
    pending: Organisation,
    secretary: User,
    founder: User,
    logged_in: Callable[[User], Client],
) -> None:
    client = logged_in(secretary)
    url = f"/accounts/organisations/{pending.pk}/verify/"
    blank = client.post(url, {"answer": "refuse", "reason": "  "})
    assert blank.status_code == 422
    pending.refresh_from_db()
    assert pending.status == "pending"
    reason = "The certificate has expired; send the current one."
    client.post(url, {"answer": "refuse", "reason": reason})
    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == ("refused", reason)
    drain()
    assert mail.outbox[-1].subject == "Your organisation's registration was refused"
    assert reason in str(mail.outbox[-1].body)
    own = logged_in(founder)
    assert reason.encode() in own.get(f"/accounts/organisations/{pending.pk}/").content
    own.post(
        f"/accounts/organisations/{pending.pk}/documents/",
        {"document": certificate("renewed.pdf")},
    )
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert pending.registration_documents.count() == 2


def test_asking_to_join_waits_for_an_admin_and_the_asker_cannot_accept_it_themselves(
    pending: Organisation,
    founder: User,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    colleague = make_user(email="colleague@kowloon-robotics.example.hk")
    asked = logged_in(colleague).post(
        "/accounts/organisations/join/", {"registration_code": "br-7788"}
    )
    assert asked.status_code == 302
    request = Invitation.objects.get(user=colleague, kind="request")
    assert not Membership.objects.filter(user=colleague, organisation=pending).exists()
    with pytest.raises(RuleViolation):
        invitations.do_answer_invitation(acting_user=colleague, invitation=request, accept=True)
    with pytest.raises(RuleViolation):
        invitations.do_answer_join_request(acting_user=colleague, invitation=request, accept=True)
    drain()
    assert (
        "founder@kowloon-robotics.example.hk",
        "Someone asks to join your organisation on AISC",
    ) in [(m.to[0], m.subject) for m in mail.outbox]
    admin = logged_in(founder)
    assert (
        b"colleague@kowloon-robotics.example.hk"
        in admin.get(f"/accounts/organisations/{pending.pk}/").content
    )
    admin.post(f"/accounts/organisations/{pending.pk}/requests/{request.pk}/", {"answer": "accept"})
    assert Membership.objects.get(user=colleague, organisation=pending).role == "member"
    assert AuditEvent.objects.filter(verb="accounts.membership.accept", actor=founder).exists()


def test_asking_to_join_an_unknown_code_names_the_field(
    founder: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(founder).post("/accounts/organisations/join/", {"registration_code": "NOPE"})
    assert page.status_code == 422
    assert b"no organisation is registered under this code" in page.content
