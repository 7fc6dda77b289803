"""Operators' allocation pages when things go wrong: Slurm's commands missing, a decision made
twice or with a note too long; and who else gets 403 on them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.allocations import actions
from aisc.web.allocations.models import Allocation, ChangeRequest
from aisc.web.audit.models import AuditEvent
from tests.fixtures.pages import flashed, in_both_languages
from tests.web.allocations.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user: Callable[..., User], logged_in: Callable[[User], Client]) -> Client:
    return logged_in(make_user(Role.OPERATOR))


@pytest.fixture
def slurm_without_commands(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Slurm adapter on a machine where Slurm's client commands are not installed."""
    settings.AISC_CLUSTER = "slurm"
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.usefixtures("slurm_without_commands")
def test_the_reservations_page_says_slurm_is_unreachable_and_still_lists_dedicated_allocations(
    new_allocation: Callable[..., Any], operator: Client
) -> None:
    actions.do_create_allocation(new_allocation(dedicated_nodes=["h800-02"]), acting_user=None)
    response = operator.get("/allocations/reservations/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Slurm is unreachable: sinfo is not installed on this machine" in page
    assert "p2026a-001" in page


@pytest.mark.usefixtures("slurm_without_commands")
def test_apply_now_with_slurm_unreachable_says_why_and_records_no_apply(
    allocation: Allocation, operator: Client
) -> None:
    actions.do_advance_by_date(START)
    before = Allocation.objects.get(pk=allocation.pk).sync_status
    response = operator.post("/allocations/apply/")
    assert response["Location"] == "/allocations/"
    [refusal] = flashed(response)
    assert refusal.startswith("Slurm is unreachable: ")
    assert not AuditEvent.objects.filter(verb="allocations.slurm.apply").exists()
    assert Allocation.objects.get(pk=allocation.pk).sync_status == before


@pytest.fixture
def top_up(allocation: Allocation, applicant: User) -> ChangeRequest:
    return actions.do_request_change(
        allocation,
        actions.ChangeInput(
            kind="top_up", chip="h800", gpu_hours=Decimal(50), reason="one more run"
        ),
        acting_user=applicant,
    )


def test_deciding_a_request_twice_says_it_is_decided_and_keeps_the_first_decision(
    top_up: ChangeRequest, operator: Client
) -> None:
    url = f"/allocations/requests/{top_up.pk}/decide/"
    operator.post(url, {"note": "not now"}, follow=True)
    again = operator.post(url, {"approve": "on", "note": "changed my mind"})
    assert again["Location"] == "/allocations/p2026a-001/"
    [refusal] = flashed(again)
    assert "rejected" in refusal
    top_up.refresh_from_db()
    assert (top_up.status, top_up.decision_note) == ("rejected", "not now")


def test_a_note_too_long_is_refused_naming_the_field_and_the_request_stays_open(
    top_up: ChangeRequest, operator: Client
) -> None:
    response = operator.post(f"/allocations/requests/{top_up.pk}/decide/", {"note": "x" * 501})
    assert response["Location"] == "/allocations/p2026a-001/"
    [refusal] = flashed(response)
    assert refusal.startswith("note: Ensure this value has at most 500 characters")
    top_up.refresh_from_db()
    assert top_up.status == "pending"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SECRETARIAT, Role.AUDITOR, Role.REVIEWER])
def test_only_operators_decide_requests_apply_to_slurm_or_see_reservations(
    top_up: ChangeRequest,
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
    role: str,
) -> None:
    client = logged_in(make_user(role))
    decided = client.post(f"/allocations/requests/{top_up.pk}/decide/", {"approve": "on"})
    assert decided.status_code == 403
    assert client.post("/allocations/apply/").status_code == 403
    reservations = client.get("/allocations/reservations/").status_code
    assert reservations == (200 if role == Role.AUDITOR else 403)
    top_up.refresh_from_db()
    assert top_up.status == "pending"
    assert not AuditEvent.objects.filter(verb="allocations.slurm.apply").exists()


def test_the_grantee_may_ask_but_not_decide_their_own_request(
    top_up: ChangeRequest, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    response = client.post(f"/allocations/requests/{top_up.pk}/decide/", {"approve": "on"})
    assert response.status_code == 403
    top_up.refresh_from_db()
    assert top_up.status == "pending"
    assert Allocation.objects.get().lines.count() == 2


@pytest.fixture
def slurm_reporting_states(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Slurm adapter on a machine whose sinfo reports nodes in Slurm's own words."""
    settings.AISC_CLUSTER = "slurm"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    sinfo = bin_dir / "sinfo"
    rows = ["h800-01|gpu*|gpu:h800:8|IDLE", "h800-02|gpu*|gpu:h800:8|drained*"]
    sinfo.write_text("#!/bin/sh\nprintf '%s\\n' " + " ".join(f"'{r}'" for r in rows) + "\n")
    sinfo.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.mark.usefixtures("slurm_reporting_states")
def test_the_reservations_page_names_slurm_node_states_in_the_readers_language(
    operator: Client,
) -> None:
    english, chinese = in_both_languages(operator, "/allocations/reservations/")
    assert "<td>Idle</td>" in english
    assert "<td>Drained (not responding)</td>" in english
    assert "<td>閒置</td>" in chinese
    assert "<td>已排空（無回應）</td>" in chinese
    assert "IDLE" not in chinese
    assert "drained" not in chinese
