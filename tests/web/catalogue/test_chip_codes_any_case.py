"""Chip codes are case-insensitive on every catalogue entry point: forms, pages and the API
take `H800` as `h800` (aisc/web/catalogue/chipcodes.py)."""

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.catalogue.forms import EquivalentForm, EstimateForm, ExchangeForm
from aisc.web.catalogue.models import ExchangeRate, RateCard
from aisc.web.demo import DemoReport

JSON = "application/json"
ESTIMATE = {"params": "7e9", "tokens": "1e12", "precision": "bf16", "workload": "pretrain"}


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/catalogue{url}", json.dumps(body), content_type=JSON)


def test_the_forms_read_a_chip_code_in_capitals_as_the_lower_case_chip() -> None:
    estimate = EstimateForm({**ESTIMATE, "chip": "H800"})
    assert estimate.is_valid(), estimate.errors
    assert estimate.to_input().chip == "h800"
    exchange = ExchangeForm({"gpu_hours": "10", "from_chip": "H800", "to_chip": "Br104"})
    assert exchange.is_valid(), exchange.errors
    assert (exchange.cleaned_data["from_chip"], exchange.cleaned_data["to_chip"]) == (
        "h800",
        "br104",
    )
    equivalent = EquivalentForm({"pflops": "10", "chip": "A100", "precision": "bf16"})
    assert equivalent.is_valid(), equivalent.errors
    assert equivalent.cleaned_data["chip"] == "a100"


def test_a_chip_in_no_case_of_the_catalogue_is_still_refused_on_its_field() -> None:
    form = EstimateForm({**ESTIMATE, "chip": "V100"})
    assert not form.is_valid()
    assert "chip" in form.errors


def test_the_estimator_page_in_capitals_gives_the_lower_case_answer(
    centre: DemoReport, client: Client
) -> None:
    query = "params=7e9&tokens=1e12&precision=bf16&workload=pretrain&chip="
    lower = client.get(f"/catalogue/estimate/?{query}h800").content.decode()
    upper = client.get(f"/catalogue/estimate/?{query}H800").content.decode()
    assert 'class="field invalid"' not in upper
    assert 'data-key="gpu_hours">33,691<' in lower
    assert 'data-key="gpu_hours">33,691<' in upper


def test_the_exchange_page_converts_between_chips_named_in_capitals(
    centre: DemoReport, client: Client
) -> None:
    body = client.get(
        "/catalogue/exchange/?gpu_hours=100&from_chip=H800&to_chip=BR104&on=2026-01-01"
    ).content.decode()
    assert 'class="field invalid"' not in body
    assert "193.24" in body


def test_the_public_api_takes_chip_codes_in_capitals(centre: DemoReport, client: Client) -> None:
    body = {"gpu_hours": "100", "from_chip": "H800", "to_chip": "BR104", "on": "2026-01-01"}
    converted = post_json(client, "/exchange", body).json()
    assert (converted["from_chip"], converted["converted_gpu_hours"]) == ("h800", "193.24")
    upper = client.get("/api/v1/catalogue/equivalent?pflops=3000&chip=H800").json()
    lower = client.get("/api/v1/catalogue/equivalent?pflops=3000&chip=h800").json()
    assert upper == lower
    estimate = client.post(
        "/api/v1/estimate",
        json.dumps({"params": 7e9, "tokens": 1e12, "chip": "H800"}),
        content_type=JSON,
    ).json()
    assert estimate["chip"] == "h800"


def test_finance_and_operators_save_cards_and_rates_under_the_lower_case_chip(
    centre: DemoReport, api_client: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    finance = api_client(make_user(Role.FINANCE))
    card = {"chip": "H800", "valid_from": "2026-07-01", "price": "18.00"}
    assert post_json(finance, "/rate-cards", card).status_code == 201
    assert RateCard.objects.filter(chip_id="h800", valid_from="2026-07-01").exists()
    rate = {"chip": "BR104", "valid_from": "2026-08-01", "factor": "0.5"}
    created = post_json(api_client(make_user(Role.OPERATOR)), "/exchange-rates", rate)
    assert created.status_code == 201, created.json()
    assert ExchangeRate.objects.filter(chip_id="br104", valid_from="2026-08-01").exists()
