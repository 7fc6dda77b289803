"""Form parsing and the error paths of the catalogue pages: each bad value is shown on its field."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from aisc.core.estimate import Workload
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.catalogue.actions import do_set_node_state
from aisc.web.catalogue.forms import EquivalentForm, EstimateForm, ExchangeForm
from aisc.web.catalogue.models import Node, Partition, PartitionPremium, RateCard
from aisc.web.demo import DemoReport

from .conftest import card_form

MINIMAL = {"params": "7e9", "tokens": "1e12", "chip": "h800", "precision": "bf16"}


def test_the_estimate_form_fills_defaults_for_what_the_applicant_left_empty() -> None:
    form = EstimateForm({**MINIMAL, "workload": "peft", "epochs": ""})
    assert form.is_valid(), form.errors
    given = form.to_input()
    assert given.epochs == 1.0
    assert given.workload is Workload.PEFT
    assert (given.mfu, given.seq_len, given.request_gpus) == (None, None, None)


def test_the_estimate_form_passes_every_field_through() -> None:
    data = {**MINIMAL, "workload": "finetune", "active_params": "1e9", "epochs": "3"}
    data |= {"seq_len": "8192", "mfu": "0.3", "request_gpus": "16", "request_months": "2"}
    form = EstimateForm(data)
    assert form.is_valid(), form.errors
    given = form.to_input()
    assert (given.active_params, given.epochs, given.seq_len, given.mfu) == (1e9, 3.0, 8192, 0.3)
    assert (given.request_gpus, given.request_months) == (16, 2.0)


def test_a_chip_outside_the_catalogue_is_refused_by_the_form_itself() -> None:
    form = EstimateForm({**MINIMAL, "workload": "pretrain", "chip": "v100"})
    assert not form.is_valid()
    assert "chip" in form.errors


def test_the_exchange_form_defaults_to_today() -> None:
    form = ExchangeForm({"gpu_hours": "10", "from_chip": "h800", "to_chip": "a100"})
    assert form.is_valid()
    assert form.day() == timezone.localdate()
    dated = ExchangeForm(
        {"gpu_hours": "10", "from_chip": "h800", "to_chip": "a100", "on": "2025-03-01"}
    )
    assert dated.is_valid()
    assert dated.day() == dt.date(2025, 3, 1)


def test_negative_hours_and_pflops_are_refused_on_their_fields() -> None:
    hours = ExchangeForm({"gpu_hours": "-1", "from_chip": "h800", "to_chip": "a100"})
    assert not hours.is_valid()
    assert "gpu_hours" in hours.errors
    pflops = EquivalentForm(
        {"cap-pflops": "-5", "cap-chip": "h800", "cap-precision": "bf16"}, prefix="cap"
    )
    assert not pflops.is_valid()
    assert "pflops" in pflops.errors


def test_the_exchange_page_shows_a_field_error_and_no_result(
    centre: DemoReport, client: Client
) -> None:
    body = client.get(
        "/catalogue/exchange/?gpu_hours=-3&from_chip=h800&to_chip=br104"
    ).content.decode()
    assert 'class="field invalid"' in body
    assert 'class="result"' not in body


def test_the_exchange_page_lists_the_rates_in_force(centre: DemoReport, client: Client) -> None:
    body = client.get("/catalogue/exchange/").content.decode()
    assert "0.5175" in body
    assert "dense peak ratio to H800" in body


def test_the_price_history_shows_ended_and_open_cards(centre: DemoReport, client: Client) -> None:
    RateCard.objects.filter(chip_id="a100").update(valid_to=dt.date(2025, 1, 1))
    body = client.get("/catalogue/prices/").content.decode()
    assert "2025-01-01" in body
    assert "until further notice" in body
    assert "+10%" in body  # the demo's dedicated premium


def test_a_node_state_change_is_audited_with_before_and_after(
    centre: DemoReport, make_user: Callable[..., User]
) -> None:
    operator = make_user(Role.OPERATOR)
    node = Node.objects.get(name="br104-02")
    do_set_node_state(node, "reserved", acting_user=operator, reason="  tenant VBK  ")
    event = AuditEvent.objects.get(verb="catalogue.node.state")
    assert event.actor == operator
    assert event.before == {"state": "idle", "reason": ""}
    assert event.after == {"state": "reserved"}
    node.refresh_from_db()
    assert node.state_reason == "tenant VBK"


def test_a_reserved_node_still_counts_as_capacity_in_service(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    do_set_node_state(Node.objects.get(name="br104-02"), "reserved", acting_user=None)
    client.force_login(make_user(Role.OPERATOR))
    rows = client.get("/api/v1/catalogue/capacity").json()
    br104 = next(row for row in rows if row["chip"] == "br104")
    assert (br104["gpus"], br104["gpus_in_service"]) == (16, 16)


def test_capacity_at_fp8_reports_no_pflops_for_chips_without_fp8(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(Role.OPERATOR))
    rows = {
        row["chip"]: row for row in client.get("/api/v1/catalogue/capacity?precision=fp8").json()
    }
    assert rows["br104"]["pflops"] is None
    assert rows["h800"]["pflops"] == 31.664
    assert "not published" in client.get("/catalogue/?precision=fp8").content.decode()


def test_an_unknown_precision_on_the_operator_page_falls_back_to_bf16(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(Role.OPERATOR))
    assert "PFLOPS (BF16 dense)" in client.get("/catalogue/?precision=int4").content.decode()


def test_the_admin_saves_a_partition_premium_with_its_card(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    card = RateCard.objects.get(chip_id="h800")
    partition = Partition.objects.get(name="h800")
    form = card_form(
        "2024-10-07",
        "20.00",
        dedicated_premium="0.1",
        **{
            "premiums-TOTAL_FORMS": "1",
            "premiums-0-partition": str(partition.pk),
            "premiums-0-premium": "0.05",
        },
    )
    response = client.post(f"/admin/catalogue/ratecard/{card.pk}/change/", form)
    assert response.status_code == 302
    assert PartitionPremium.objects.get(rate_card=card).premium == Decimal("0.05")


def test_staff_without_the_admin_role_cannot_edit_rate_cards_in_the_admin(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    client.force_login(make_user(Role.FINANCE))
    response = client.get("/admin/catalogue/ratecard/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_prices_api_defaults_to_today(centre: DemoReport, client: Client, db: Any) -> None:
    rows = client.get("/api/v1/catalogue/prices").json()
    assert len(rows) == 8
    assert {row["valid_to"] for row in rows} == {None}
