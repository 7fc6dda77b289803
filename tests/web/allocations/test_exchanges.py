"""Chip exchanges inside an award: one at most the scheme's limit is approved on the spot by the
system (audited without a person), a larger one waits on the secretariat's queue and is decided
there; the per-chip budgets move together and Slurm's limits follow; a request that could never
be carried out is refused at once, naming the field."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Role, User
from aisc.web.allocations import actions, cluster, sync
from aisc.web.allocations.forms import ChangeRequestForm
from aisc.web.allocations.models import Allocation, ChangeRequest
from aisc.web.audit.models import AuditEvent
from aisc.web.catalogue.models import ExchangeRate
from aisc.web.grants import actions as grants
from aisc.web.grants.models import Award
from aisc.web.queues.read import secretariat_queue
from tests.fixtures.pages import flashed

D = Decimal
PREFIX = "/api/v1/allocations"


def exchange(hours: str, to_chip: str = "br104", chip: str = "h800") -> dict[str, Any]:
    return {"kind": "exchange", "reason": "inference suits br104", "chip": chip,
            "to_chip": to_chip, "gpu_hours": hours}  # fmt: skip


def ask(client: Client, code: str, body: dict[str, Any]) -> Any:
    return client.post(f"{PREFIX}/{code}/requests", body, content_type="application/json")


def budgets(allocation: Allocation) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in allocation.lines.filter(released=True):
        totals[line.chip] = totals.get(line.chip, D(0)) + line.gpu_hours
    return totals


@pytest.fixture
def granted(award: Award) -> Allocation:
    return Allocation.objects.get(award=award)


def test_an_exchange_within_the_scheme_limit_is_approved_at_once_by_the_system(
    granted: Allocation, applicant: User, client: Client
) -> None:
    before = budgets(granted)
    client.force_login(applicant)
    response = ask(client, granted.project_code, exchange("100"))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"
    change = ChangeRequest.objects.get()
    assert change.decided_by is None
    assert change.decided_at is not None
    after = budgets(granted)
    assert after["h800"] == before["h800"] - 100
    assert after["br104"] == D("193.24")  # at the demo's dense peak ratio (0.5175)
    row = AuditEvent.objects.get(verb="allocations.change.decide")
    assert row.actor_label == "system"
    assert (row.after or {})["status"] == "approved"


def test_an_exchange_over_the_limit_waits_on_the_secretariat_queue_and_they_decide_it(
    granted: Allocation,
    applicant: User,
    secretariat: User,
    client: Client,
) -> None:
    client.force_login(applicant)
    response = ask(client, granted.project_code, exchange("100.01"))
    assert response.json()["status"] == "pending"
    assert "br104" not in budgets(granted)
    queue = secretariat_queue(secretariat, granted.start_date)
    waiting = [i for i in queue.items if granted.project_code in i.text]
    assert [i.detail for i in waiting] == ["100.01 GPU-hours from h800 to br104"]
    client.force_login(secretariat)
    page = client.get(f"/allocations/{granted.project_code}/")
    change = ChangeRequest.objects.get()
    assert f"/allocations/requests/{change.pk}/decide" in page.content.decode()
    decided = client.post(
        f"{PREFIX}/requests/{change.pk}/decision",
        {"approve": True, "note": "fine"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "approved", decided.content
    assert budgets(granted)["br104"] == D("193.26")
    assert not [i for i in secretariat_queue(secretariat, granted.start_date).items
                if granted.project_code in i.text]  # fmt: skip


def test_the_secretariat_decides_only_exchanges_inside_awards(
    granted: Allocation,
    make_allocation: Callable[..., Allocation],
    make_user: Callable[..., User],
    secretariat: User,
) -> None:
    operator = make_user(Role.OPERATOR)
    top_up = actions.do_request_change(
        granted, actions.ChangeInput("top_up", "more", chip="h800", gpu_hours=D(5)),
        acting_user=operator,
    )  # fmt: skip
    tenant = make_allocation("com-x")
    commercial = actions.do_request_change(
        tenant, actions.ChangeInput("exchange", "x", chip="h800", to_chip="br104",
                                    gpu_hours=D(5)), acting_user=operator,
    )  # fmt: skip
    assert commercial.status == "pending"  # a tenant's exchange is never automatic
    client = Client()
    client.force_login(secretariat)
    for change in (top_up, commercial):
        response = client.post(
            f"{PREFIX}/requests/{change.pk}/decision",
            {"approve": True},
            content_type="application/json",
        )
        assert response.status_code == 403
    assert ChangeRequest.objects.filter(status="pending").count() == 2


def test_a_scheme_without_a_limit_sends_every_exchange_to_the_secretariat(
    granted: Allocation, applicant: User, secretariat: User
) -> None:
    grants.do_update_scheme(
        acting_user=secretariat,
        scheme=granted.award.application.call.scheme,  # type: ignore[union-attr]
        exchange_auto_gpu_hours=None,
    )
    granted.refresh_from_db()
    change = actions.do_request_change(
        granted,
        actions.ChangeInput("exchange", "x", chip="h800", to_chip="br104", gpu_hours=D(1)),
        acting_user=applicant,
    )
    assert change.status == "pending"


def test_a_limit_of_zero_or_below_is_refused_naming_the_field(
    granted: Allocation, secretariat: User
) -> None:
    scheme = granted.award.application.call.scheme  # type: ignore[union-attr]
    with pytest.raises(RuleViolation, match="more than zero") as info:
        grants.do_update_scheme(
            acting_user=secretariat, scheme=scheme, exchange_auto_gpu_hours=D(0)
        )
    assert info.value.field == "exchange_auto_gpu_hours"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (exchange("5", to_chip="zz9"), "to_chip", "zz9"),
        (exchange("5", chip="zz9"), "chip", "zz9"),
        (exchange("999999"), "gpu_hours", "released, unspent h800"),
        (exchange("5", chip="br104", to_chip="h800"), "gpu_hours", "only 0 released"),
        (exchange("5", to_chip="h800"), "to_chip", "two different chips"),
    ],
)
def test_a_bad_exchange_is_refused_at_once_with_its_field_and_rule(
    granted: Allocation,
    applicant: User,
    client: Client,
    body: dict[str, Any],
    field: str,
    words: str,
) -> None:
    client.force_login(applicant)
    response = ask(client, granted.project_code, body)
    assert response.status_code in {400, 404, 409, 422}, response.content
    error = response.json()["error"]
    assert error["field"] == field
    assert words in error["message"]
    assert not ChangeRequest.objects.exists()


def test_an_exchange_to_a_chip_without_a_rate_is_refused_naming_to_chip(
    granted: Allocation, applicant: User, client: Client
) -> None:
    ExchangeRate.objects.filter(chip="br104").delete()
    client.force_login(applicant)
    response = ask(client, granted.project_code, exchange("5"))
    assert response.json()["error"]["field"] == "to_chip"
    assert "no exchange rate for br104" in response.json()["error"]["message"]


def test_slurm_limits_follow_an_automatic_exchange(granted: Allocation, applicant: User) -> None:
    Allocation.objects.filter(pk=granted.pk).update(status="active")
    actions.do_request_change(
        granted,
        actions.ChangeInput("exchange", "x", chip="h800", to_chip="br104", gpu_hours=D(50)),
        acting_user=applicant,
    )
    sync.apply()
    tres = dict(cluster.adapter().read_state().accounts[granted.project_code].grp_tres_mins)
    assert tres["gres/gpu:br104"] == int(D("96.62") * 60)


def test_the_portal_says_who_decides_and_shows_the_automatic_note_in_chinese(
    granted: Allocation, applicant: User, client: Client
) -> None:
    client.force_login(applicant)
    page = f"/allocations/{granted.project_code}/"
    small = client.post(page, {**exchange("10"), "new_end_date": ""})
    assert "approved automatically" in " ".join(flashed(small))
    large = client.post(page, {**exchange("200"), "new_end_date": ""})
    assert "sent to the secretariat" in " ".join(flashed(large))
    client.cookies["django_language"] = "zh-hant"
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "10.00 h800 → br104" in shown
    assert "自動批准" in shown


def test_top_ups_and_extensions_are_never_approved_automatically_however_small(
    granted: Allocation, applicant: User
) -> None:
    top_up = actions.do_request_change(
        granted, actions.ChangeInput("top_up", "x", chip="h800", gpu_hours=D(1)),
        acting_user=applicant,
    )  # fmt: skip
    later = granted.end_date.replace(year=granted.end_date.year + 1)
    extension = actions.do_request_change(
        granted, actions.ChangeInput("extension", "x", new_end_date=later), acting_user=applicant
    )
    assert (top_up.status, extension.status) == ("pending", "pending")


def test_a_rejected_exchange_leaves_the_budgets_as_they_were(
    granted: Allocation, applicant: User, secretariat: User
) -> None:
    before = budgets(granted)
    change = actions.do_request_change(
        granted, actions.ChangeInput("exchange", "x", chip="h800", to_chip="br104",
                                     gpu_hours=D(500)), acting_user=applicant,
    )  # fmt: skip
    actions.do_decide_change(change, approve=False, note="keep h800", acting_user=secretariat)
    assert budgets(granted) == before
    row = AuditEvent.objects.get(verb="allocations.change.decide")
    assert row.actor_label == secretariat.email


def test_an_exchange_on_a_closed_allocation_is_refused_naming_the_status(
    granted: Allocation, applicant: User
) -> None:
    actions.do_transition(granted, "close", acting_user=None)
    granted.refresh_from_db()
    with pytest.raises(RuleViolation, match="closed") as info:
        actions.do_request_change(
            granted, actions.ChangeInput("exchange", "x", chip="h800", to_chip="br104",
                                         gpu_hours=D(1)), acting_user=applicant,
        )  # fmt: skip
    assert info.value.field == "status"
    assert not ChangeRequest.objects.exists()


def test_the_secretariat_queue_names_the_exchange_in_chinese(
    granted: Allocation, applicant: User, secretariat: User
) -> None:
    actions.do_request_change(
        granted, actions.ChangeInput("exchange", "x", chip="h800", to_chip="br104",
                                     gpu_hours=D(150)), acting_user=applicant,
    )  # fmt: skip
    with translation.override("zh-hant"):
        items = secretariat_queue(secretariat, granted.start_date).items
    waiting = [(i.text, i.detail) for i in items if granted.project_code in i.text]
    assert waiting == [
        (f"待決定的晶片交換：{granted.project_code}", "150.00 GPU 小時，由 h800 轉到 br104")
    ]


def test_the_secretariat_sets_the_limit_on_the_scheme_page_and_exchanges_follow_it(
    granted: Allocation, applicant: User, secretariat: User, client: Client
) -> None:
    scheme = granted.award.application.call.scheme  # type: ignore[union-attr]
    edit = {
        "name_en": scheme.name_en, "fund": str(scheme.fund),
        "default_rate": str(scheme.default_rate), "max_rate": str(scheme.max_rate),
        "exceptional_max_rate": str(scheme.exceptional_max_rate),
        "eligible_kinds": list(scheme.eligible_kinds), "exchange_auto_gpu_hours": "50",
    }  # fmt: skip
    client.force_login(secretariat)
    saved = client.post(f"/grants/schemes/{scheme.pk}/edit", edit)
    assert saved.status_code == 302
    row = AuditEvent.objects.get(verb="grants.scheme.update")
    assert Decimal((row.after or {})["exchange_auto_gpu_hours"]) == 50
    client.force_login(applicant)
    assert ask(client, granted.project_code, exchange("50")).json()["status"] == "approved"
    assert ask(client, granted.project_code, exchange("50.01")).json()["status"] == "pending"


def test_an_exchange_between_chips_named_in_capitals_moves_the_lower_case_budgets(
    granted: Allocation, applicant: User, client: Client
) -> None:
    before = budgets(granted)
    client.force_login(applicant)
    response = ask(client, granted.project_code, exchange("100", to_chip="BR104", chip="H800"))
    assert response.status_code == 201, response.content
    assert (response.json()["chip"], response.json()["to_chip"]) == ("h800", "br104")
    after = budgets(granted)
    assert after["h800"] == before["h800"] - 100
    assert after["br104"] == D("193.24")


def test_the_portal_form_reads_chips_typed_in_capitals_as_the_lower_case_chips() -> None:
    form = ChangeRequestForm(
        {"kind": "exchange", "reason": "x", "chip": "H800", "to_chip": "Br104", "gpu_hours": "1"}
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["chip"], form.cleaned_data["to_chip"]) == ("h800", "br104")
