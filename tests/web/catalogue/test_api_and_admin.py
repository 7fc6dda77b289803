import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.catalogue.models import ExchangeRate, Node, RateCard
from aisc.web.demo import DemoReport

from .conftest import admin_client, card_form

JSON = "application/json"


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/catalogue{url}", json.dumps(body), content_type=JSON)


def test_chips_prices_and_exchange_are_public(centre: DemoReport, client: Client) -> None:
    chips = client.get("/api/v1/catalogue/chips").json()
    assert [chip["code"] for chip in chips][:2] == ["a100", "a800"]
    prices = {
        row["chip"]: row["price"]
        for row in client.get("/api/v1/catalogue/prices?on=2026-01-01").json()
    }
    assert prices["h800"] == "20.00"
    assert client.get("/api/v1/catalogue/prices?on=2020-01-01").json() == []
    body = {"gpu_hours": "100", "from_chip": "h800", "to_chip": "br104", "on": "2026-01-01"}
    converted = post_json(client, "/exchange", body)
    assert converted.json()["converted_gpu_hours"] == "193.24"


def test_capacity_and_clusters_need_the_catalogue_view_rule(
    centre: DemoReport, api_client: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    operator = api_client(make_user(Role.OPERATOR))
    rows = operator.get("/api/v1/catalogue/capacity?precision=bf16").json()
    h800 = next(row for row in rows if row["chip"] == "h800")
    assert (h800["gpus"], h800["basis"]) == (16, "BF16 dense")
    bad = operator.get("/api/v1/catalogue/capacity?precision=int4")
    assert bad.json()["error"]["field"] == "precision"
    clusters = operator.get("/api/v1/catalogue/clusters").json()
    assert [p["name"] for p in clusters[0]["partitions"]] == ["br104", "h800"]
    applicant = api_client(make_user())
    assert applicant.get("/api/v1/catalogue/capacity").status_code == 403
    assert applicant.get("/api/v1/catalogue/clusters").status_code == 403


def test_finance_adds_a_rate_card_and_an_overlap_is_refused_naming_the_field(
    centre: DemoReport, api_client: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    finance = api_client(make_user(Role.FINANCE))
    early = {"chip": "h800", "valid_from": "2024-01-01", "valid_to": "2025-01-01", "price": "1"}
    refused = post_json(finance, "/rate-cards", early)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "valid_from"
    body = {"chip": "h800", "valid_from": "2026-07-01", "price": "18.00"}
    created = post_json(finance, "/rate-cards", body)
    assert created.status_code == 201
    assert created.json()["price"] == "18.00"
    applicant = api_client(make_user())
    denied = post_json(applicant, "/rate-cards", body)
    assert denied.status_code == 403


def test_operators_set_exchange_rates_and_node_states_through_the_api(
    centre: DemoReport, api_client: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    operator = api_client(make_user(Role.OPERATOR))
    rate = {"chip": "br104", "valid_from": "2026-01-01", "factor": "0.45"}
    saved = post_json(operator, "/exchange-rates", rate)
    assert saved.status_code == 201
    assert ExchangeRate.objects.filter(chip_id="br104").count() == 2
    node = Node.objects.get(name="h800-01")
    url = f"/nodes/{node.pk}/state"
    drained = post_json(operator, url, {"state": "drain", "reason": "ECC"})
    assert drained.json()["state"] == "drain"
    missing = post_json(operator, "/nodes/999999/state", {"state": "idle"})
    assert missing.status_code == 404
    finance = api_client(make_user(Role.FINANCE))
    assert post_json(finance, url, {"state": "idle"}).status_code == 403


def test_the_admin_refuses_an_overlapping_card_on_the_form(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    form = card_form("2024-01-01", "18.00", valid_to="2025-01-01")
    response = admin.post("/admin/catalogue/ratecard/add/", form)
    assert response.status_code == 200
    assert "rate cards overlap" in response.content.decode()
    assert RateCard.objects.filter(chip_id="h800").count() == 1


def test_a_new_card_in_the_admin_supersedes_the_open_one(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    form = card_form("2026-07-01", "18.00")
    assert admin.post("/admin/catalogue/ratecard/add/", form).status_code == 302
    ends = list(
        RateCard.objects.filter(chip_id="h800")
        .order_by("valid_from")
        .values_list("valid_to", flat=True)
    )
    assert [str(end) for end in ends] == ["2026-07-01", "None"]


def test_an_admin_edit_of_a_card_goes_through_the_audited_action(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    card = RateCard.objects.get(chip_id="h800")
    form = card_form("2024-10-07", "21.00", dedicated_premium="0.1")
    response = admin.post(f"/admin/catalogue/ratecard/{card.pk}/change/", form)
    assert response.status_code == 302
    card.refresh_from_db()
    assert str(card.price) == "21.00"
    assert AuditEvent.objects.filter(verb="catalogue.ratecard.change").count() == 1


def test_the_admin_saves_exchange_rates_through_the_action_and_refuses_a_zero_factor(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    zero = admin.post(
        "/admin/catalogue/exchangerate/add/",
        {"chip": "br104", "valid_from": "2026-01-01", "factor": "0"},
    )
    assert "the relative throughput must be above zero" in zero.content.decode()
    added = admin.post(
        "/admin/catalogue/exchangerate/add/",
        {"chip": "br104", "valid_from": "2026-01-01", "factor": "0.4"},
    )
    assert added.status_code == 302
    assert AuditEvent.objects.filter(verb="catalogue.exchange.save").count() == 9


def test_every_catalogue_admin_page_opens(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    for model in (
        "chipmodel",
        "nodetype",
        "cluster",
        "partition",
        "node",
        "ratecard",
        "exchangerate",
    ):
        assert admin.get(f"/admin/catalogue/{model}/").status_code == 200, model


def test_the_equivalent_api_gives_gpus_and_nodes_naming_the_basis(client: Client, db: Any) -> None:
    body = client.get("/api/v1/catalogue/equivalent?pflops=3000").json()
    assert body == {
        "pflops": 3000.0,
        "basis": "BF16 dense",
        "chip": "h800",
        "gpus": 3032,
        "nodes": 379,
    }
    negative = client.get("/api/v1/catalogue/equivalent?pflops=-1").json()
    assert negative["error"]["field"] == "pflops"
    unknown = client.get("/api/v1/catalogue/equivalent?pflops=1&chip=v100")
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (404, "chip")


def test_the_admin_reports_a_missing_price_on_its_field_without_checking_dates(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    form = {
        "chip": "h800",
        "valid_from": "2024-01-01",
        "price": "",
        "dedicated_premium": "0",
        "premiums-TOTAL_FORMS": "0",
        "premiums-INITIAL_FORMS": "0",
    }
    body = admin.post("/admin/catalogue/ratecard/add/", form).content.decode()
    assert "This field is required." in body
    assert "rate cards overlap" not in body
    assert RateCard.objects.filter(chip_id="h800").count() == 1


def test_the_admin_reports_a_factor_that_is_not_a_number_on_its_field(
    centre: DemoReport, client: Client, make_user: Callable[..., User]
) -> None:
    admin = admin_client(client, make_user)
    form = {"chip": "br104", "valid_from": "2026-01-01", "factor": "fast"}
    body = admin.post("/admin/catalogue/exchangerate/add/", form).content.decode()
    assert "Enter a number." in body
    assert ExchangeRate.objects.filter(chip_id="br104").count() == 1
