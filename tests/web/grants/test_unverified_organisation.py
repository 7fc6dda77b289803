"""Only an organisation the secretariat has verified submits an application: a pending one may
prepare its draft, and its submission is refused with a message naming the rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.models import Application
from tests.fixtures.grants import attach

pytestmark = pytest.mark.django_db


@pytest.fixture
def unverified(draft: Application, applicant: User, org: Organisation) -> Application:
    attach(draft, applicant)
    Organisation.objects.filter(pk=org.pk).update(status="pending")
    return Application.objects.get(pk=draft.pk)


def test_it_refuses_the_submission_of_an_organisation_not_yet_verified(
    unverified: Application, applicant: User
) -> None:
    with pytest.raises(RuleViolation) as caught:
        actions.do_submit_application(acting_user=applicant, application=unverified)
    assert caught.value.field == "organisation"
    unverified.refresh_from_db()
    assert unverified.status == "draft"


def test_the_portal_says_why_the_submission_was_refused(
    unverified: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    page = client.post(f"/grants/applications/{unverified.pk}/submit", follow=True)
    assert b"your organisation is not verified yet" in page.content
    unverified.refresh_from_db()
    assert unverified.status == "draft"


def test_once_verified_the_same_draft_is_submitted(
    unverified: Application, applicant: User, org: Organisation
) -> None:
    Organisation.objects.filter(pk=org.pk).update(status="verified")
    done = actions.do_submit_application(
        acting_user=applicant, application=Application.objects.get(pk=unverified.pk)
    )
    assert done.status == "submitted"
