"""The public impact page (/impact/, .csv, .json): each published award with its lay summary and
the outputs its grantee declared, totals per year, and the open-data exports. Nothing of an
unpublished, cancelled or undecided application ever appears, nor an application's private parts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.choices import OutputKind
from aisc.web.grants.impact import CSV_COLUMNS
from aisc.web.grants.models import Application, Award, Call, Output
from tests.fixtures.grants import complete_fields
from tests.fixtures.pages import csv_records, public_csv

from .scenario import Story, approved, funded_story

NONE = dict.fromkeys(OutputKind.values, 0)  # every kind counted, zero when none declared

URLS = ("/impact/", "/impact.csv", "/impact.json")
LAY_EN = "A Cantonese language model anyone may use."
LAY_ZH = "人人可用的粵語語言模型。"


def at(year: int, month: int = 6) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, 1, 12))


def declare(
    story: Story,
    kind: str,
    title: str,
    when: dt.datetime,
    *,
    doi: str = "",
    url: str = "",
    licence: str = "",
) -> Output:
    owner = story.application.created_by
    output = actions.do_add_output(
        acting_user=owner,
        award=story.award,
        kind=kind,
        title=title,
        doi=doi,
        url=url,
        licence=licence,
    )
    # The clock of a test is today's; the year totals need outputs declared in chosen years.
    Output.objects.filter(pk=output.pk).update(created_at=when)
    return output


@pytest.fixture
def peak(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> Story:
    story = funded_story(call, make_org(name_en="Peak Lab", name_zh="山頂實驗室"), make_user)
    Application.objects.filter(pk=story.application.pk).update(
        lay_summary=LAY_EN, lay_summary_zh=LAY_ZH
    )
    declare(
        story,
        "publication",
        "Cantonese LLM pre-training at scale",
        at(2026),
        doi="10.48550/arXiv.2401.00001",
    )
    declare(
        story,
        "model",
        "Canto-7B",
        at(2027, 2),
        url="https://huggingface.co/peak/canto-7b",
        licence="Apache-2.0",
    )
    return story


def csv_rows(client: Client) -> list[dict[str, str]]:
    return csv_records(client, "/impact.csv")


def impact_json(client: Client) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(client.get("/impact.json").content)
    return data


def test_the_page_is_public_and_shows_the_lay_summary_and_each_output(
    peak: Story, client: Client
) -> None:
    response = client.get("/impact/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-code="p2026a-001"' in page
    assert LAY_EN in page
    assert "Publication: Cantonese LLM pre-training at scale" in page
    assert 'href="https://doi.org/10.48550/arXiv.2401.00001"' in page
    assert "Model released: Canto-7B" in page
    assert 'href="https://huggingface.co/peak/canto-7b"' in page
    assert "Apache-2.0" in page
    assert 'href="/impact.csv"' in page
    assert 'href="/impact.json"' in page


def test_the_totals_count_awards_by_start_year_and_outputs_by_the_year_declared(
    peak: Story, client: Client
) -> None:
    assert impact_json(client)["totals"] == [
        {
            "year": 2027,
            "awards": 0,
            "subsidy_committed_hkd": "0.00",
            "outputs": {**NONE, "model": 1},
        },
        {
            "year": 2026,
            "awards": 1,
            "subsidy_committed_hkd": "245280.00",
            "outputs": {**NONE, "publication": 1},
        },
    ]
    page = client.get("/impact/").content.decode()
    assert '<tr data-year="2026"><td>2026</td><td>1</td><td>HK$245,280.00</td>' in page


def test_the_json_carries_each_award_with_its_outputs_in_both_languages(
    peak: Story, client: Client
) -> None:
    response = client.get("/impact.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert LAY_ZH in response.content.decode("utf-8")  # not \u-escaped
    (award,) = impact_json(client)["awards"]
    assert award["organisation_zh"] == "山頂實驗室"
    assert (award["lay_summary_en"], award["lay_summary_zh"]) == (LAY_EN, LAY_ZH)
    assert award["subsidy_committed_hkd"] == "245280.00"
    assert award["outputs"] == [
        {
            "kind": "publication",
            "title": "Cantonese LLM pre-training at scale",
            "doi": "10.48550/arXiv.2401.00001",
            "url": "",
            "licence": "",
            "declared_on": "2026-06-01",
        },
        {
            "kind": "model",
            "title": "Canto-7B",
            "doi": "",
            "url": "https://huggingface.co/peak/canto-7b",
            "licence": "Apache-2.0",
            "declared_on": "2027-02-01",
        },
    ]


def test_the_csv_has_one_line_per_output_with_its_award_and_a_byte_order_mark(
    peak: Story, client: Client
) -> None:
    assert public_csv(client, "/impact.csv", "impact.csv")[0] == ",".join(CSV_COLUMNS)
    rows = csv_rows(client)
    assert [(r["project_code"], r["output_kind"], r["output_title"]) for r in rows] == [
        ("p2026a-001", "publication", "Cantonese LLM pre-training at scale"),
        ("p2026a-001", "model", "Canto-7B"),
    ]
    assert rows[1]["output_licence"] == "Apache-2.0"
    assert rows[0]["lay_summary_zh"] == LAY_ZH


def test_an_award_with_no_output_yet_has_one_csv_line_with_empty_output_columns(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    client: Client,
) -> None:
    funded_story(call, make_org(name_en="Harbour Lab"), make_user)
    (row,) = csv_rows(client)
    assert row["organisation_en"] == "Harbour Lab"
    assert row["lay_summary_zh"] == ""
    assert [row[c] for c in CSV_COLUMNS if c.startswith("output_")] == [""] * 6
    assert "No outputs declared yet." in client.get("/impact/").content.decode()


def test_the_page_in_chinese_shows_the_chinese_lay_summary(peak: Story, client: Client) -> None:
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/impact/").content.decode()
    assert LAY_ZH in page
    assert "山頂實驗室" in page
    assert LAY_EN not in page
    assert "各年合計" in page


def test_an_unpublished_award_and_an_undecided_application_are_absent_everywhere(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    client: Client,
) -> None:
    app, _, owner = approved(call, make_org(name_en="Quiet Lab"), make_user, "Quiet project")
    award = Award.objects.get(application=app)
    assert award.published_at is None
    Application.objects.filter(pk=app.pk).update(lay_summary="Quiet lay summary")
    # do_add_output refuses an unpublished award; the row is written here to prove the page's
    # own rule, should one ever exist.
    Output.objects.create(award=award, kind="model", title="Quiet model", created_by=owner)
    draft = actions.do_create_application(
        acting_user=owner,
        call=call,
        organisation=app.organisation,
        title="Draft project",
        **complete_fields(),
    )
    Application.objects.filter(pk=draft.pk).update(lay_summary="Draft lay summary")
    for url in URLS:
        body = client.get(url).content.decode("utf-8")
        for secret in ("Quiet", "Draft", award.project_code):
            assert secret not in body, (url, secret)
    assert impact_json(client) == {"awards": [], "totals": []}
    assert "No awards published yet." in client.get("/impact/").content.decode()


def test_a_cancelled_awards_outputs_leave_the_page_and_both_exports(
    peak: Story, client: Client
) -> None:
    owner = peak.application.created_by
    actions.do_withdraw_application(acting_user=owner, application=peak.application)
    assert Award.objects.get(pk=peak.award.pk).status == "cancelled"
    for url in URLS:
        body = client.get(url).content.decode("utf-8")
        for gone in ("Canto-7B", LAY_EN, "p2026a-001"):
            assert gone not in body, (url, gone)


def test_no_private_part_of_the_application_is_on_the_impact_page_or_its_exports(
    peak: Story, client: Client
) -> None:
    for url in URLS:
        body = client.get(url).content.decode("utf-8")
        for secret in ("Continued pre-training", "M1 data; M2 training", "Low risk; filtered"):
            assert secret not in body, (url, secret)


def test_the_csv_writes_a_formula_in_an_output_title_as_quoted_text(
    peak: Story, client: Client
) -> None:
    title = '=HYPERLINK("http://evil.example")'
    declare(peak, "dataset", title, at(2026), url="https://x.hk/d", licence="CC-BY-4.0")
    Application.objects.filter(pk=peak.application.pk).update(lay_summary="+1+cmd")
    rows = csv_rows(client)
    (dataset,) = [r for r in rows if r["output_kind"] == "dataset"]
    assert dataset["output_title"] == "'" + title
    assert {r["lay_summary_en"] for r in rows} == {"'+1+cmd"}


def test_the_public_navigation_links_the_impact_page_for_a_visitor(
    db: None, client: Client
) -> None:
    page = client.get("/impact/").content.decode()
    assert 'href="/impact/"' in page
    assert "No awards published yet." in page


def test_the_applicant_writes_the_lay_summary_on_the_application_form_told_it_is_public(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    org = make_org(name_en="Form Lab")
    owner = make_user(org=org, membership="admin")
    app = actions.do_create_application(
        acting_user=owner,
        call=call,
        organisation=org,
        title="Form project",
        lay_summary=LAY_EN,
        lay_summary_zh=LAY_ZH,
    )
    assert (app.lay_summary, app.lay_summary_zh) == (LAY_EN, LAY_ZH)
    client = Client()
    client.force_login(owner)
    page = client.get(f"/grants/applications/{app.pk}/edit").content.decode()
    assert "public if funded" in page
    assert LAY_ZH in page
    detail = client.get(f"/grants/applications/{app.pk}/").content.decode()
    assert 'id="lay-summary"' in detail
    assert LAY_EN in detail
