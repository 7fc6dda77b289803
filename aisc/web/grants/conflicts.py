"""Conflict-of-interest checks between a reviewer and an application, from stored facts."""

from __future__ import annotations

from aisc.core.grants.conflicts import OrgRef, find_conflict
from aisc.web.accounts.models import User
from aisc.web.grants.models import Application


def conflict_of(reviewer: User, application: Application) -> str | None:
    org = application.organisation
    return find_conflict(
        reviewer_org_ids=reviewer.memberships.values_list("organisation_id", flat=True),
        declared=reviewer.declared_relationships,
        applicant=OrgRef(pk=org.pk, code=org.registration_code, names=(org.name_en, org.name_zh)),
    )
