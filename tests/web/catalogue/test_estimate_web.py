import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.core.estimate import EstimateInput
from aisc.web.accounts.models import User
from aisc.web.api_v1 import api

ACCEPTANCE = {"params": 7e9, "tokens": 1e12, "chip": "h800", "precision": "bf16", "mfu": 0.4}
QUERY = "params=7e9&tokens=1e12&chip=h800&precision=bf16&workload=pretrain"


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/estimate", json.dumps(body), content_type="application/json")


def test_the_api_answers_anyone_with_the_cli_json_keys(client: Client, db: Any) -> None:
    response = post(client, {**ACCEPTANCE, "request_gpus": 16, "request_months": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["gpu_hours"] == pytest.approx(29_479, abs=1)
    keys = {"flops", "gpu_hours", "node_days", "mfu", "flags"}
    assert keys | {"requested_gpu_hours", "ratio", "implied_mfu"} <= set(body)


def test_a_logged_in_user_gets_the_same_answer(
    api_client: Callable[[User], Client], applicant: User
) -> None:
    assert post(api_client(applicant), ACCEPTANCE).json()["gpu_hours"] == pytest.approx(
        29_479, abs=1
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"params": -7e9}, "params"),
        ({"tokens": 0}, "tokens"),
        ({"chip": "v100"}, "chip"),
        ({"request_gpus": 8}, "request_months"),
        ({"workload": "dreaming"}, "workload"),
    ],
)
def test_api_errors_name_the_field(
    client: Client, db: Any, change: dict[str, Any], field: str
) -> None:
    response = post(client, {**ACCEPTANCE, **change})
    assert response.status_code in {404, 422}
    assert response.json()["error"]["field"] == field


def test_the_fragment_shows_the_estimate_beside_the_request_and_its_flags(
    client: Client, db: Any
) -> None:
    html = client.get(f"/catalogue/estimate/?{QUERY}&request_gpus=8&request_months=3&partial=1")
    body = html.content.decode()
    assert "<html" not in body
    assert 'data-key="gpu_hours">33,691<' in body
    assert 'data-key="requested_gpu_hours">17,520<' in body
    assert 'data-flag="unrealistic"' in body


def test_an_htmx_request_gets_the_fragment_and_a_plain_one_the_page(
    client: Client, db: Any
) -> None:
    fragment = client.get(f"/catalogue/estimate/?{QUERY}", HTTP_HX_REQUEST="true").content.decode()
    page = client.get(f"/catalogue/estimate/?{QUERY}").content.decode()
    assert "<html" not in fragment
    assert "<html" in page
    assert "vendor/htmx.min.js" in page
    assert 'hx-get="/catalogue/estimate/"' in page
    assert 'hx-target="#estimate-result"' in page


def test_the_page_form_posts_without_javascript(client: Client, db: Any) -> None:
    response = client.post("/catalogue/estimate/", {**ACCEPTANCE, "workload": "pretrain"})
    assert 'data-key="gpu_hours">29,479<' in response.content.decode()


def test_a_bound_broken_on_the_form_is_shown_on_its_field(client: Client, db: Any) -> None:
    body = client.get(
        "/catalogue/estimate/?precision=bf16&params=-1&tokens=1e12&chip=h800&precision=bf16"
        "&workload=pretrain&partial=1"
    ).content.decode()
    assert "<p>Parameters must be between 1 and 1e+13, got -1</p>" in body  # named once
    assert "params must be" not in body


def test_a_refused_field_is_named_by_its_chinese_label_in_chinese(client: Client, db: Any) -> None:
    client.cookies["django_language"] = "zh-hant"
    body = client.post(
        "/catalogue/estimate/", {**ACCEPTANCE, "tokens": "-5", "workload": "pretrain"}
    ).content.decode()
    assert "<p>訓練詞元數（或服務的詞元數） 必須介乎 1 與 1e+15 之間" in body
    assert "tokens 必須介乎" not in body


def test_an_unpublished_precision_is_reported_not_crashed(client: Client, db: Any) -> None:
    body = client.get(
        "/catalogue/estimate/?precision=bf16&params=7e9&tokens=1e12&chip=br104&precision=fp8"
        "&workload=pretrain&partial=1"
    ).content.decode()
    assert "no published dense fp8 peak for br104" in body


def test_the_api_takes_moe_weight_bits_and_goodput_and_names_a_missing_active_count(
    client: Client, db: Any
) -> None:
    moe = {"params": 671e9, "tokens": 14.8e12, "chip": "h800", "moe": True}
    refused = post(client, moe)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "active_params"
    qlora = {"params": 65e9, "tokens": 1e8, "chip": "h800", "workload": "peft"}
    qlora |= {"weight_bits": 4, "goodput": 0.9, "request_gpus": 1, "request_months": 0.5}
    body = post(client, qlora).json()
    assert (body["weight_bits"], body["goodput"]) == (4, 0.9)
    assert "memory_does_not_fit" not in [flag["code"] for flag in body["flags"]]


def test_the_page_labels_the_realism_flags_and_shows_the_band(client: Client, db: Any) -> None:
    html = client.get(
        "/catalogue/estimate/?precision=bf16&params=405e9&tokens=15.6e12&chip=h100&workload=pretrain&partial=1"
    ).content.decode()
    assert 'data-flag="moe_total_only"' in html
    assert 'data-flag="long_run"' in html
    assert 'data-key="gpu_hours_band"' in html
    small = client.get(
        "/catalogue/estimate/?precision=bf16&params=8e9&tokens=15e12&chip=h100&workload=pretrain"
        "&architecture=dense&goodput=0.9&partial=1"
    ).content.decode()
    assert 'data-flag="beyond_compute_optimal"' in small
    assert 'data-flag="moe_total_only"' not in small


def test_the_form_refuses_a_declared_moe_without_active_parameters(client: Client, db: Any) -> None:
    html = client.get(
        "/catalogue/estimate/?precision=bf16&params=671e9&tokens=14.8e12&chip=h800&workload=pretrain"
        "&architecture=moe&partial=1"
    ).content.decode()
    assert "Active parameters (MoE): a mixture-of-experts model needs its active parameters" in html


def test_the_form_takes_4_bit_frozen_weights_for_qlora(client: Client, db: Any) -> None:
    html = client.get(
        "/catalogue/estimate/?precision=bf16&params=65e9&tokens=1e8&chip=h800&workload=peft&weight_bits=4"
        "&request_gpus=1&request_months=0.5&partial=1"
    ).content.decode()
    assert 'data-key="gpu_hours"' in html
    assert "memory_does_not_fit" not in html


def test_the_api_takes_every_field_of_the_estimators_input_including_gpus_per_node(
    client: Client, db: Any
) -> None:
    schema = api.get_openapi_schema()["components"]["schemas"]["EstimateIn"]
    assert set(schema["properties"]) == {f.name for f in dataclasses.fields(EstimateInput)}
    eight = post(client, ACCEPTANCE).json()
    four = post(client, {**ACCEPTANCE, "gpus_per_node": 4}).json()
    assert four["gpu_hours"] == eight["gpu_hours"]
    assert eight["node_days"] == pytest.approx(eight["gpu_hours"] / (8 * 24), abs=0.05)
    assert four["node_days"] == pytest.approx(four["gpu_hours"] / (4 * 24), abs=0.05)


def test_a_node_size_out_of_bounds_is_refused_naming_the_field(client: Client, db: Any) -> None:
    response = post(client, {**ACCEPTANCE, "gpus_per_node": 0})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "gpus_per_node"
