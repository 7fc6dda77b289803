import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from aisc.core.catalogue.exchange import ThroughputRate
from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.catalogue import demo
from aisc.web.catalogue.actions import do_save_exchange_rate, do_set_node_state
from aisc.web.catalogue.capacity import capacity_by_chip
from aisc.web.catalogue.models import ChipModel, ExchangeRate, Node, RateCard
from aisc.web.demo import DemoReport
from tests.fixtures.pages import in_both_languages


def test_the_migration_seeds_the_eight_chips_with_sourced_peaks(db: Any) -> None:
    assert ChipModel.objects.count() == 8
    bf16 = ChipModel.objects.get(code="h800").peaks["bf16"]
    assert bf16["tflops"] == 989.4
    assert "domain-facts" in bf16["source"]


def test_the_demo_centre_matches_the_slurm_test_cluster_and_loads_once(centre: DemoReport) -> None:
    names = sorted(Node.objects.values_list("name", flat=True))
    assert names == ["br104-01", "br104-02", "h800-01", "h800-02"]
    demo.load(DemoReport())
    assert Node.objects.count() == 4
    assert RateCard.objects.count() == 8
    assert ExchangeRate.objects.count() == 8


def test_capacity_counts_gpus_and_derives_pflops_naming_the_basis(centre: DemoReport) -> None:
    rows = {row.chip: row for row in capacity_by_chip("bf16")}
    assert rows["h800"].gpus == 16
    assert rows["h800"].pflops is not None
    assert rows["h800"].pflops.value == pytest.approx(16 * 989.4 / 1000)
    assert rows["h800"].pflops.basis == "BF16 dense"
    assert rows["br104"].pflops is not None


def test_capacity_says_when_a_chip_has_no_figure_at_that_precision(centre: DemoReport) -> None:
    rows = {row.chip: row for row in capacity_by_chip("fp8")}
    assert rows["br104"].pflops is None


def test_a_node_out_of_service_leaves_the_usable_capacity(centre: DemoReport) -> None:
    node = Node.objects.get(name="h800-02")
    do_set_node_state(node, "drain", acting_user=None, reason="NVLink errors")
    rows = {row.chip: row for row in capacity_by_chip("bf16")}
    assert (rows["h800"].gpus, rows["h800"].in_service) == (16, 8)
    assert AuditEvent.objects.filter(verb="catalogue.node.state").count() == 1


def test_a_node_cannot_be_drained_without_a_reason_or_set_to_an_unknown_state(
    centre: DemoReport,
) -> None:
    node = Node.objects.get(name="h800-01")
    with pytest.raises(RuleViolation) as no_reason:
        do_set_node_state(node, "down", acting_user=None)
    assert no_reason.value.field == "reason"
    with pytest.raises(RuleViolation) as unknown:
        do_set_node_state(node, "melted", acting_user=None)
    assert unknown.value.field == "state"
    node.refresh_from_db()
    assert node.state == "idle"


def test_an_exchange_rate_is_added_or_changed_for_its_day(centre: DemoReport) -> None:
    day = dt.date(2026, 1, 1)
    do_save_exchange_rate(ThroughputRate("br104", day, Decimal("0.45")), acting_user=None)
    do_save_exchange_rate(ThroughputRate("br104", day, Decimal("0.40")), acting_user=None)
    assert ExchangeRate.objects.filter(chip_id="br104").count() == 2
    assert ExchangeRate.objects.get(chip_id="br104", valid_from=day).factor == Decimal("0.40")
    with pytest.raises(RuleViolation):
        do_save_exchange_rate(ThroughputRate("br104", day, Decimal(0)), acting_user=None)


def test_operators_see_nodes_and_capacity_and_applicants_do_not(
    centre: DemoReport, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(make_user(Role.OPERATOR)).get("/catalogue/?precision=fp8")
    assert page.status_code == 200
    body = page.content.decode()
    assert "h800-01" in body
    assert "PFLOPS (FP8 dense)" in body
    assert logged_in(make_user()).get("/catalogue/").status_code == 403


def test_an_operator_drains_a_node_from_the_portal(
    centre: DemoReport, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(Role.OPERATOR))
    node = Node.objects.get(name="br104-01")
    url = f"/catalogue/nodes/{node.pk}/state"
    client.post(url, {"state": "drain", "reason": "fan failure"})
    node.refresh_from_db()
    assert (node.state, node.state_reason) == ("drain", "fan failure")
    refused = client.post(url, {"state": "down"}, follow=True)
    assert "reason: say why" in refused.content.decode()
    invalid = client.post(url, {"state": "melted"}, follow=True)
    assert "Choose a valid state." in invalid.content.decode()


def test_finance_cannot_change_node_states(
    centre: DemoReport, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    node = Node.objects.get(name="br104-01")
    response = logged_in(make_user(Role.FINANCE)).post(
        f"/catalogue/nodes/{node.pk}/state", {"state": "drain", "reason": "x"}
    )
    assert response.status_code == 403


def test_the_public_price_page_lists_every_chip_in_english_and_chinese(
    centre: DemoReport, client: Client
) -> None:
    english, chinese = in_both_languages(client, "/catalogue/prices/")
    assert "NVIDIA H800 SXM" in english
    assert "20.00" in english
    assert "牌價" in chinese


def test_the_exchange_calculator_converts_by_relative_throughput(
    centre: DemoReport, client: Client
) -> None:
    page = client.get("/catalogue/exchange/?gpu_hours=100&from_chip=h800&to_chip=br104")
    assert "193.24" in page.content.decode()
    early = client.get(
        "/catalogue/exchange/?gpu_hours=1&from_chip=h800&to_chip=br104&on=2020-01-01"
    )
    assert "no exchange rate for h800 on 2020-01-01" in early.content.decode()


def test_the_calculator_turns_1300_pflops_bf16_into_1314_h800_in_164_nodes(
    centre: DemoReport, client: Client
) -> None:
    query = "cap-pflops=1300&cap-chip=h800&cap-precision=bf16"
    body = client.get(f"/catalogue/exchange/?{query}").content.decode()
    assert "1300.0 PFLOPS BF16 dense ≈ 1314 h800 GPUs ≈ 164 nodes of 8" in body
    fp8 = client.get("/catalogue/exchange/?cap-pflops=1300&cap-chip=h800&cap-precision=fp8")
    assert "≈ 657 h800 GPUs ≈ 82 nodes" in fp8.content.decode()


def test_the_calculator_says_when_a_chip_has_no_figure_at_that_precision(
    centre: DemoReport, client: Client
) -> None:
    body = client.get("/catalogue/exchange/?cap-pflops=10&cap-chip=br104&cap-precision=fp8")
    assert "no published dense fp8 peak for br104" in body.content.decode()


def test_the_seeded_rows_equal_what_the_core_publishes(db: Any) -> None:
    from aisc.core.catalogue.chips import CHIPS
    from aisc.web.catalogue.seed import chip_row

    for code, spec in CHIPS.items():
        row = ChipModel.objects.get(code=code)
        expected = chip_row(spec)
        assert (row.name, row.memory_gb, row.peaks) == (
            expected["name"],
            expected["memory_gb"],
            expected["peaks"],
        )


def test_the_demo_command_loads_the_catalogue(db: Any) -> None:
    from typer.testing import CliRunner

    from aisc.cli.main import app

    result = CliRunner().invoke(app, ["demo", "load", "--json"])
    assert result.exit_code == 0, result.output
    assert any("aisc-hk" in note for note in json.loads(result.output)["notes"])
    assert Node.objects.filter(partition__cluster__code="aisc-hk").count() == 4


def test_the_estimate_page_without_input_shows_an_empty_form(client: Client, db: Any) -> None:
    body = client.get("/catalogue/estimate/").content.decode()
    assert 'name="params"' in body
    assert "estimate-result" in body
    assert 'data-key="gpu_hours"' not in body
