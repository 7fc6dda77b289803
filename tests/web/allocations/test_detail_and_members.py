"""One allocation as its holder reads it (API body, portal page, in Chinese too), and its Slurm
members: replaced as a whole, audited, and a name Slurm would refuse changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Role, User
from aisc.web.allocations import actions
from aisc.web.allocations.models import Allocation
from aisc.web.audit.models import AuditEvent
from aisc.web.outbox.models import OutboxMessage

PREFIX = "/api/v1/allocations"


def test_the_api_gives_the_holder_the_whole_allocation(
    allocation: Allocation, applicant: User, api_client: Callable[[User], Client]
) -> None:
    body = api_client(applicant).get(f"{PREFIX}/{allocation.project_code}").json()
    assert body == {
        "project_code": "p2026a-001",
        "organisation_id": allocation.organisation_id,
        "parent_account": "c2026a",
        "status": "pending",
        "start_date": "2026-12-01",
        "end_date": "2027-02-28",
        "subsidised": True,
        "dedicated_nodes": [],
        "sync_status": allocation.sync_status,
        "sync_message": "",
        "budgets": [
            {
                "chip": "h800",
                "granted": "1500.00",
                "released": "1000.00",
                "used": body["budgets"][0]["used"],
                "remaining": body["budgets"][0]["remaining"],
            }
        ],
    }
    used = body["budgets"][0]["used"]
    if used is not None:  # metered: what is left is what was released less what ran
        assert Decimal(body["budgets"][0]["remaining"]) == Decimal(1000) - Decimal(used)


def test_an_unknown_project_code_is_not_found_with_the_one_error_body(
    allocation: Allocation, make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    response = api_client(make_user(Role.OPERATOR)).get(f"{PREFIX}/no-such-project")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_capacity_api_gives_each_month_of_each_chip(
    allocation: Allocation, make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    months = api_client(make_user(Role.OPERATOR)).get(f"{PREFIX}/capacity").json()
    assert months
    assert {m["chip"] for m in months} <= {"h800", "br104"}
    for month in months:
        assert set(month) == {
            "month", "chip", "capacity_hours", "limit_hours", "committed_hours", "over",
        }  # fmt: skip
        assert len(month["month"]) == 7
        assert month["over"] is (Decimal(month["committed_hours"]) > Decimal(month["limit_hours"]))
    december = [m for m in months if (m["month"], m["chip"]) == ("2026-12", "h800")]
    assert december
    assert Decimal(december[0]["committed_hours"]) > 0


def test_the_detail_page_speaks_chinese(
    allocation: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    client.cookies["django_language"] = "zh-Hant"
    page = client.get(f"/allocations/{allocation.project_code}/").content.decode()
    with translation.override("zh-hant"):
        for heading in ("GPU-hours per chip", "Budget lines", "Members", "Change requests"):
            translated = translation.gettext(heading)
            assert translated != heading
            assert translated in page


def test_the_detail_page_lists_the_requests_with_their_status(
    allocation: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    actions.do_request_change(
        allocation,
        actions.ChangeInput(kind="top_up", reason="Ablations", chip="h800", gpu_hours=Decimal(50)),
        acting_user=applicant,
    )
    page = logged_in(applicant).get(f"/allocations/{allocation.project_code}/").content.decode()
    assert "Ablations" in page
    assert "alice" in page


def test_members_are_replaced_as_a_whole_and_the_change_is_audited_and_synced(
    allocation: Allocation,
) -> None:
    syncs = OutboxMessage.objects.filter(kind=actions.SYNC).count()
    actions.do_set_members(allocation, ["bob", "carol", "bob"], acting_user=None)
    assert sorted(allocation.members.values_list("username", flat=True)) == ["bob", "carol"]
    row = AuditEvent.objects.filter(verb="allocations.allocation.members").get()
    assert row.before is not None
    assert row.after is not None
    assert (row.before["members"], row.after["members"]) == (["alice"], ["bob", "carol"])
    assert OutboxMessage.objects.filter(kind=actions.SYNC).count() == syncs + 1


@pytest.mark.parametrize("bad", ["Bob", "-bob", "bob smith", "b" * 41, ""])
def test_a_member_name_slurm_would_refuse_changes_nothing(allocation: Allocation, bad: str) -> None:
    rows = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        actions.do_set_members(allocation, ["bob", bad], acting_user=None)
    assert refused.value.field == "members"
    assert "is not a valid Slurm name" in refused.value.message
    assert list(allocation.members.values_list("username", flat=True)) == ["alice"]
    assert AuditEvent.objects.count() == rows


def test_an_empty_member_list_removes_everyone(allocation: Allocation) -> None:
    actions.do_set_members(allocation, [], acting_user=None)
    assert not allocation.members.exists()
    row = AuditEvent.objects.filter(verb="allocations.allocation.members").get()
    assert row.after is not None
    assert row.after["members"] == []


def test_creating_an_allocation_audits_its_facts(allocation: Allocation) -> None:
    row = AuditEvent.objects.get(verb="allocations.allocation.create")
    assert row.before is None
    assert row.after == {
        "project_code": "p2026a-001",
        "status": "pending",
        "start_date": "2026-12-01",
        "end_date": "2027-02-28",
        "dedicated_nodes": [],
        "released": {"h800": "1000.00"},
        "members": ["alice"],
    }
