"""Portal pages and API of allocations: operators see everything with its sync state and the
capacity chart; grantees see their own allocation and ask for changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.allocations import actions, sync
from aisc.web.allocations.actions import NewAllocation
from aisc.web.allocations.models import Allocation, ChangeRequest
from tests.web.allocations.conftest import START


def test_operators_see_every_allocation_with_its_sync_state(
    allocation: Allocation, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    actions.do_advance_by_date(START)
    sync.apply()
    page = logged_in(make_user(Role.OPERATOR)).get("/allocations/").content.decode()
    assert 'data-project="p2026a-001"' in page
    assert "h800: 1,000" in page
    assert "In sync" in page


def test_a_grantee_sees_released_used_and_remaining_hours_per_chip(
    allocation: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    # "used" comes from billing's metering (aisc.web.billing.ingest.metered); nothing has run yet
    page = logged_in(applicant).get("/allocations/p2026a-001/").content.decode()
    assert 'data-key="released">1,000' in page
    assert 'data-key="used">0' in page
    assert 'data-key="remaining">1,000' in page
    assert "tranche 2: 500" in page


def test_other_organisations_cannot_see_an_allocation(
    allocation: Allocation,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    logged_in: Callable[[User], Client],
) -> None:
    stranger = make_user(org=make_org())
    client = logged_in(stranger)
    assert client.get("/allocations/p2026a-001/").status_code == 403
    assert "p2026a-001" not in client.get("/allocations/").content.decode()


def test_a_grantee_asks_for_a_top_up_and_an_operator_approves_it(
    allocation: Allocation,
    applicant: User,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    client = logged_in(applicant)
    sent = client.post(
        "/allocations/p2026a-001/",
        {"kind": "top_up", "chip": "h800", "gpu_hours": "50", "reason": "one more run"},
    )
    assert sent.status_code == 302
    request = ChangeRequest.objects.get()
    operator = logged_in(make_user(Role.OPERATOR))
    operator.post(f"/allocations/requests/{request.pk}/decide/", {"approve": "on", "note": "ok"})
    request.refresh_from_db()
    assert request.status == "approved"
    assert allocation.lines.count() == 3


def test_a_bad_request_shows_the_error_next_to_its_field(
    allocation: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).post(
        "/allocations/p2026a-001/", {"kind": "top_up", "chip": "h999", "reason": "x"}
    )
    assert "h999" in page.content.decode()
    assert not ChangeRequest.objects.exists()


def test_the_capacity_page_charts_commitments_against_the_limit(
    allocation: Allocation, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(make_user(Role.OPERATOR)).get("/allocations/capacity/").content.decode()
    assert "<svg" in page
    assert "capacity-chart" in page
    assert "h800" in page


def test_the_reservations_page_shows_which_nodes_for_whom_and_when(
    new_allocation: Callable[..., NewAllocation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    actions.do_create_allocation(new_allocation(dedicated_nodes=["h800-02"]), acting_user=None)
    actions.do_advance_by_date(START)
    page = logged_in(make_user(Role.OPERATOR)).get("/allocations/reservations/").content.decode()
    assert "h800-02" in page
    assert "p2026a-001" in page
    assert "2026-12-01" in page


def test_operators_apply_to_slurm_from_the_portal(
    allocation: Allocation, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    actions.do_advance_by_date(START)
    client = logged_in(make_user(Role.OPERATOR))
    assert client.post("/allocations/apply/").status_code == 302
    allocation.refresh_from_db()
    assert allocation.sync_status == "in_sync"


def test_the_api_lists_allocations_with_budgets_per_chip(
    allocation: Allocation, applicant: User, api_client: Callable[[User], Client]
) -> None:
    body = api_client(applicant).get("/api/v1/allocations").json()
    [item] = body["items"]
    assert item["project_code"] == "p2026a-001"
    assert item["budgets"] == [
        {
            "chip": "h800",
            "granted": "1500.00",
            "released": "1000.00",
            "used": "0",
            "remaining": "1000.00",
        }
    ]


def test_the_api_list_reads_usage_once_however_many_allocations_it_shows(
    new_allocation: Callable[..., NewAllocation],
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
    django_assert_num_queries: Any,
) -> None:
    client = api_client(make_user(Role.OPERATOR))
    actions.do_create_allocation(new_allocation(), acting_user=None)
    client.get("/api/v1/allocations")  # the token's first use is written once, not counted here
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/allocations").json()["items"]) == 1
    for n in range(2, 5):
        code = f"p2026a-00{n}"
        actions.do_create_allocation(new_allocation(project_code=code), acting_user=None)
    with django_assert_num_queries(len(one)):
        items = client.get("/api/v1/allocations").json()["items"]
    assert [i["project_code"] for i in items] == [f"p2026a-00{n}" for n in range(1, 5)]
    assert all(i["budgets"][0]["released"] == "1000.00" for i in items)


def test_the_api_takes_change_requests_and_names_the_field_of_a_bad_one(
    allocation: Allocation,
    applicant: User,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    client = api_client(applicant)
    bad = client.post(
        "/api/v1/allocations/p2026a-001/requests",
        {"kind": "extension", "reason": "late", "new_end_date": "2026-12-02"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "new_end_date"
    made = client.post(
        "/api/v1/allocations/p2026a-001/requests",
        {"kind": "extension", "reason": "late", "new_end_date": "2027-03-31"},
        content_type="application/json",
    )
    assert made.status_code == 201
    operator = api_client(make_user(Role.OPERATOR))
    decided = operator.post(
        f"/api/v1/allocations/requests/{made.json()['id']}/decision",
        {"approve": True, "note": "fine"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "approved"


def test_the_api_reports_capacity_and_the_slurm_plan_to_operators(
    allocation: Allocation, make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    actions.do_advance_by_date(START)
    client = api_client(make_user(Role.OPERATOR))
    months = client.get("/api/v1/allocations/capacity").json()
    assert {"month", "chip", "limit_hours", "committed_hours", "over"} <= set(months[0])
    plan = client.get("/api/v1/allocations/slurm/plan").json()
    assert any(c.startswith("+ account p2026a-001") for c in plan["changes"])
    assert client.get("/api/v1/allocations/p2026a-001").json()["status"] == "active"


def test_grantees_cannot_read_the_slurm_plan(
    allocation: Allocation, applicant: User, api_client: Callable[[User], Client], **_: Any
) -> None:
    assert api_client(applicant).get("/api/v1/allocations/slurm/plan").status_code == 403


def test_the_allocations_list_filters_by_project_and_sorts_by_organisation(
    make_user: Callable[..., User], logged_in: Callable[[User], Client], allocation: Allocation
) -> None:
    page = logged_in(make_user(Role.OPERATOR)).get(
        f"/allocations/?q={allocation.project_code}&sort=-organisation"
    )
    html = page.content.decode()
    assert f'data-project="{allocation.project_code}"' in html
    assert 'aria-sort="descending"><a href="?q=' in html
    assert f'value="{allocation.project_code}"' in html
    nothing = logged_in(make_user(Role.OPERATOR)).get("/allocations/?q=no-such-project")
    assert 'data-project="' not in nothing.content.decode()


def test_the_allocation_page_reads_its_budget_lines_once_for_the_budget_and_the_list(
    allocation: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/allocations/p2026a-001/").content.decode()
    assert 'data-key="released">1,000' in page  # the budget, from the lines
    assert "tranche 2: 500" in page  # the list of lines
    reads = [q["sql"] for q in queries if 'FROM "allocations_allocationline"' in q["sql"]]
    assert len(reads) == 1, reads
