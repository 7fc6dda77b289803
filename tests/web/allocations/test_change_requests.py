"""Change requests (top-up, extension, chip exchange) as the API and the portal take them: a bad
one is refused naming the field at fault, a closed allocation takes none, and every request and
decision leaves its audit row; the lifecycle transitions each write theirs too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from aisc.core.errors import AiscError, InvalidTransition, RuleViolation
from aisc.web.accounts.models import Role, User
from aisc.web.allocations import actions
from aisc.web.allocations.models import Allocation, ChangeRequest
from aisc.web.audit.models import AuditEvent
from tests.web.allocations.conftest import END, START

PREFIX = "/api/v1/allocations"


def ask(client: Client, code: str, **body: Any) -> Any:
    return client.post(f"{PREFIX}/{code}/requests", body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "refund", "reason": "x"}, "kind", "unknown kind of change 'refund'"),
        ({"kind": "refund", "reason": "x", "chip": "h800", "gpu_hours": "5"}, "kind", "refund"),
        ({"kind": "top_up", "reason": "  ", "chip": "h800", "gpu_hours": "5"}, "reason", "say why"),
        ({"kind": "top_up", "reason": "x", "chip": "zz9", "gpu_hours": "5"}, "chip", "zz9"),
        ({"kind": "top_up", "reason": "x", "chip": "h800", "gpu_hours": "0"}, "gpu_hours", ""),
        ({"kind": "top_up", "reason": "x", "chip": "h800", "gpu_hours": "-5"}, "gpu_hours", ""),
        (
            {
                "kind": "exchange",
                "reason": "x",
                "chip": "h800",
                "to_chip": "h800",
                "gpu_hours": "5",
            },
            "to_chip",
            "two different chips",
        ),
        ({"kind": "extension", "reason": "x"}, "new_end_date", "after the current one"),
        (
            {"kind": "extension", "reason": "x", "new_end_date": END.isoformat()},
            "new_end_date",
            f"({END})",
        ),
        ({"kind": "top_up", "reason": "x", "gpu_hours": "many"}, "gpu_hours", ""),
        ({"reason": "x"}, "kind", ""),
    ],
)
def test_a_bad_change_request_is_refused_naming_the_field(
    allocation: Allocation,
    applicant: User,
    api_client: Callable[[User], Client],
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = ask(api_client(applicant), allocation.project_code, **body)
    assert response.status_code == (404 if field == "chip" else 422)  # an unknown chip: NotFound
    error = response.json()["error"]
    assert error["field"] == field, error
    assert message in error["message"]
    assert not ChangeRequest.objects.exists()
    assert not AuditEvent.objects.filter(verb="allocations.change.request").exists()


def test_a_request_is_audited_with_what_was_asked(
    allocation: Allocation, applicant: User, api_client: Callable[[User], Client]
) -> None:
    response = ask(
        api_client(applicant), allocation.project_code,
        kind="exchange", reason="BR104 suits inference", chip="h800", to_chip="br104",
        gpu_hours="100",
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    row = AuditEvent.objects.get(verb="allocations.change.request")
    assert row.actor_label == "applicant@example.hk"
    assert row.after == {
        "allocation": allocation.project_code,
        "kind": "exchange",
        "chip": "h800",
        "to_chip": "br104",
        "gpu_hours": "100",
        "new_end_date": None,
        "status": "pending",
    }


def test_a_decision_is_audited_before_and_after(
    allocation: Allocation, applicant: User, make_user: Callable[..., User]
) -> None:
    change = actions.do_request_change(
        allocation,
        actions.ChangeInput(
            kind="extension", reason="late data", new_end_date=dt.date(2027, 3, 31)
        ),
        acting_user=applicant,
    )
    operator = make_user(Role.OPERATOR)
    actions.do_decide_change(change, approve=True, note="fine", acting_user=operator)
    row = AuditEvent.objects.get(verb="allocations.change.decide")
    assert row.before is not None
    assert row.after is not None
    assert (row.before["status"], row.after["status"]) == ("pending", "approved")
    assert row.after["new_end_date"] == "2027-03-31"
    assert Allocation.objects.get(pk=allocation.pk).end_date == dt.date(2027, 3, 31)


@pytest.fixture
def closed(allocation: Allocation) -> Allocation:
    return actions.do_transition(allocation, "close", acting_user=None)


@pytest.mark.parametrize(
    "change",
    [
        actions.ChangeInput(kind="top_up", reason="x", chip="h800", gpu_hours=Decimal(5)),
        actions.ChangeInput(kind="extension", reason="x", new_end_date=dt.date(2027, 6, 30)),
    ],
)
def test_a_closed_allocation_takes_no_change_request(
    closed: Allocation, applicant: User, change: actions.ChangeInput
) -> None:
    with pytest.raises(RuleViolation) as refused:
        actions.do_request_change(closed, change, acting_user=applicant)
    assert refused.value.field == "status"
    assert "closed" in refused.value.message
    assert not ChangeRequest.objects.exists()


def test_a_request_pending_when_its_allocation_closes_cannot_be_approved(
    allocation: Allocation, applicant: User, make_user: Callable[..., User]
) -> None:
    change = actions.do_request_change(
        allocation,
        actions.ChangeInput(kind="top_up", reason="x", chip="h800", gpu_hours=Decimal(5)),
        acting_user=applicant,
    )
    actions.do_transition(allocation, "close", acting_user=None)
    lines = Allocation.objects.get(pk=allocation.pk).lines.count()
    with pytest.raises(RuleViolation) as refused:
        actions.do_decide_change(change, approve=True, note="", acting_user=make_user("operator"))
    assert refused.value.field == "status"
    assert ChangeRequest.objects.get(pk=change.pk).status == "pending"
    assert Allocation.objects.get(pk=allocation.pk).lines.count() == lines
    # Rejecting it still tidies the queue.
    actions.do_decide_change(
        change, approve=False, note="closed", acting_user=make_user("operator")
    )
    assert ChangeRequest.objects.get(pk=change.pk).status == "rejected"


def test_the_portal_form_shows_a_closed_allocations_refusal(
    closed: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).post(
        f"/allocations/{closed.project_code}/",
        {"kind": "top_up", "reason": "x", "chip": "h800", "gpu_hours": "5"},
    )
    assert page.status_code == 422  # refused, as every refused form is
    assert "closed" in page.content.decode()
    assert not ChangeRequest.objects.exists()


# --- the lifecycle, as actions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "status"),
    [
        (["activate"], "active"),
        (["activate", "suspend"], "suspended"),
        (["activate", "suspend", "resume"], "active"),
        (["activate", "exhaust"], "exhausted"),
        (["activate", "exhaust", "top_up"], "active"),
        (["activate", "expire"], "expired"),
        (["activate", "expire", "extend"], "active"),
        (["close"], "closed"),
    ],
)
def test_each_allowed_move_is_made_and_audited(
    allocation: Allocation, events: list[str], status: str
) -> None:
    for event in events:
        actions.do_transition(allocation, event, acting_user=None)
    assert Allocation.objects.get(pk=allocation.pk).status == status
    verbs = list(
        AuditEvent.objects.filter(object_type="Allocation")
        .exclude(verb="allocations.allocation.create")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [f"allocations.allocation.{e}" for e in events]
    last = AuditEvent.objects.order_by("-id").first()
    assert last is not None
    assert last.after is not None
    assert last.after["status"] == status


@pytest.mark.parametrize(
    ("events", "refused"),
    [
        ([], "suspend"),
        ([], "expire"),
        (["activate"], "activate"),
        (["activate"], "resume"),
        (["activate", "suspend"], "exhaust"),
        (["close"], "activate"),
        (["close"], "close"),
    ],
)
def test_each_move_outside_the_table_is_refused_and_not_audited(
    allocation: Allocation, events: list[str], refused: str
) -> None:
    for event in events:
        actions.do_transition(allocation, event, acting_user=None)
    status = Allocation.objects.get(pk=allocation.pk).status
    rows = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition) as caught:
        actions.do_transition(allocation, refused, acting_user=None)
    assert isinstance(caught.value, AiscError)
    assert Allocation.objects.get(pk=allocation.pk).status == status
    assert AuditEvent.objects.count() == rows


def test_the_calendar_starts_an_allocation_only_once_its_hours_are_released(
    new_allocation: Callable[..., actions.NewAllocation],
) -> None:
    held = actions.do_create_allocation(
        new_allocation(project_code="held-001", tranches=[(1, Decimal(100), False)]),
        acting_user=None,
    )
    assert actions.do_advance_by_date(START) == []
    assert Allocation.objects.get(pk=held.pk).status == "pending"
    actions.do_release_tranche(held, 1, Decimal(100), acting_user=None)
    actions.do_advance_by_date(START)
    assert Allocation.objects.get(pk=held.pk).status == "active"
    assert actions.do_advance_by_date(END + dt.timedelta(days=1)) == ["held-001: expire"]


def test_releasing_a_tranche_that_does_not_exist_is_refused_naming_the_field(
    allocation: Allocation,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        actions.do_release_tranche(allocation, 9, Decimal(1), acting_user=None)
    assert refused.value.field == "seq"
    assert "no tranche 9" in refused.value.message
