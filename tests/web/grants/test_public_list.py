"""The public grantee list (/grantees/, .csv, .json and the API's `GET grantees`): exactly the
published awards, with exactly the public columns, in both languages; never a rejected,
withdrawn, cancelled or not-yet-published one, and nothing of the application's private parts."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.actions import do_update_organisation
from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.models import Application, Award, Call
from aisc.web.grants.queries import GRANTEE_COLUMNS
from tests.fixtures.pages import csv_records, public_csv

from .scenario import Story, funded_story

# The story's award: 8 of 16 GPUs for 3 of 6 months from 1 April 2026 (facts §1.4: 730 hours a
# month), H800 at the HK$20 list price, 70 % subsidy.
ROW = {
    "project_code": "p2026a-001",
    "organisation_en": "Peak Lab",
    "organisation_zh": "山頂實驗室",
    "title_en": "Secret project",
    "title_zh": "Secret project",
    "chip": "h800",
    "gpu_hours": "17520.00",
    "start_date": "2026-04-01",
    "end_date": "2026-06-30",
    "subsidy_percent": "70",
    "subsidy_cap_hkd": "245280.00",
}
PRIVATE = (
    "Continued pre-training",  # the summary
    "M1 data; M2 training",  # the work plan
    "Trained 1B models before",  # the track record
    "Low risk; filtered data",  # the ethics assessment
    "@example.hk",  # applicants' addresses
    "@aisc.hk",  # staff addresses
)


@pytest.fixture
def peak(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> Story:
    return funded_story(call, make_org(name_en="Peak Lab", name_zh="山頂實驗室"), make_user)


def csv_rows(client: Client) -> list[dict[str, str]]:
    return csv_records(client, "/grantees.csv")


def test_the_csv_starts_with_a_byte_order_mark_and_has_the_public_columns_in_order(
    peak: Story, client: Client
) -> None:
    header, *lines = public_csv(client, "/grantees.csv", "grantees.csv")
    assert header == ",".join(GRANTEE_COLUMNS)
    assert lines == [",".join(ROW[c] for c in GRANTEE_COLUMNS)]


def test_the_json_and_the_api_carry_exactly_the_csv_rows(peak: Story, client: Client) -> None:
    response = client.get("/grantees.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "山頂實驗室" in response.content.decode("utf-8")  # not \u-escaped
    assert json.loads(response.content) == {"grantees": [ROW]}
    assert csv_rows(client) == [ROW]
    assert client.get("/api/v1/grants/grantees").json() == [ROW]


def test_the_page_shows_the_english_names_in_english(peak: Story, client: Client) -> None:
    page = client.get("/grantees/").content.decode()
    assert 'data-code="p2026a-001"' in page
    assert "<td>Peak Lab</td>" in page
    assert "山頂實驗室" not in page
    assert "2026-04-01 – 2026-06-30" in page
    assert "HK$245,280.00" in page


def test_the_page_in_chinese_names_the_organisation_in_chinese_and_falls_back_for_the_title(
    peak: Story, client: Client
) -> None:
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/grantees/").content.decode()
    assert "<td>山頂實驗室</td>" in page
    assert "<td>Secret project</td>" in page  # no Chinese title given: the English one
    assert "<td>Peak Lab</td>" not in page
    assert '<html lang="zh-Hant">' in page


def test_a_chinese_title_is_used_in_the_chinese_column(peak: Story, client: Client) -> None:
    Application.objects.filter(pk=peak.application.pk).update(title_zh="秘密項目")
    assert csv_rows(client)[0]["title_zh"] == "秘密項目"
    assert csv_rows(client)[0]["title_en"] == "Secret project"


def test_an_organisation_without_a_chinese_name_shows_its_english_one_in_both_columns(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    client: Client,
) -> None:
    funded_story(call, make_org(name_en="Harbour Lab"), make_user)
    (row,) = csv_rows(client)
    assert (row["organisation_en"], row["organisation_zh"]) == ("Harbour Lab", "Harbour Lab")


def test_an_empty_list_says_so_and_the_files_carry_only_the_header(
    client: Client, db: None
) -> None:
    assert "No grantees published yet." in client.get("/grantees/").content.decode()
    assert client.get("/grantees.csv").content.decode("utf-8-sig").strip() == ",".join(
        GRANTEE_COLUMNS
    )
    assert json.loads(client.get("/grantees.json").content) == {"grantees": []}


def test_no_private_part_of_the_application_is_ever_public(peak: Story, client: Client) -> None:
    for url in ("/grantees/", "/grantees.csv", "/grantees.json", "/api/v1/grants/grantees"):
        body = client.get(url).content.decode("utf-8")
        for secret in PRIVATE:
            assert secret not in body, (url, secret)


def test_an_award_decided_but_not_yet_published_is_not_listed(
    reviewed: Application, committee: User, client: Client
) -> None:
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="approve", members_present=[committee]),
    )
    assert Award.objects.get(application=reviewed).published_at is None
    assert csv_rows(client) == []
    assert "Cantonese LLM" not in client.get("/grantees/").content.decode()


def test_a_withdrawn_grantee_leaves_the_list_and_its_award_is_cancelled(
    peak: Story, client: Client
) -> None:
    owner = peak.application.created_by
    actions.do_withdraw_application(acting_user=owner, application=peak.application)
    assert Award.objects.get(pk=peak.award.pk).status == "cancelled"
    assert csv_rows(client) == []
    assert client.get("/api/v1/grants/grantees").json() == []


def test_a_completed_award_stays_on_the_list(
    peak: Story, client: Client, secretariat: User
) -> None:
    actions.do_accept_report(acting_user=secretariat, report=peak.report)
    final = actions.do_submit_report(
        acting_user=peak.application.created_by, award=peak.award, kind="final", text="Done"
    )
    actions.do_accept_report(acting_user=secretariat, report=final)
    assert Award.objects.get(pk=peak.award.pk).status == "completed"
    assert [r["project_code"] for r in csv_rows(client)] == ["p2026a-001"]


def test_rejected_and_ineligible_applicants_of_a_published_call_are_never_listed(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    reviewed: Application,
    committee: User,
    client: Client,
) -> None:
    actions.do_decide(
        acting_user=committee,
        application=reviewed,
        decision=DecisionInput(outcome="reject", members_present=[committee]),
    )
    funded_story(call, make_org(name_en="Peak Lab"), make_user)  # closes and publishes the call
    assert Call.objects.get(pk=call.pk).status == "published"
    listed = csv_rows(client)
    assert [r["organisation_en"] for r in listed] == ["Peak Lab"]
    assert "Cantonese LLM" not in json.dumps(listed)
    assert "Harbour University" not in client.get("/grantees/").content.decode()


def test_the_public_csv_writes_a_formula_in_a_name_or_title_as_quoted_text(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    client: Client,
) -> None:
    org = make_org(name_en='=HYPERLINK("http://evil.example")', name_zh="+1+cmd")
    funded_story(call, org, make_user, title="-2+3*@SUM(A1)")
    (row,) = csv_rows(client)
    assert row["organisation_en"] == '\'=HYPERLINK("http://evil.example")'
    assert row["organisation_zh"] == "'+1+cmd"
    assert row["title_en"] == row["title_zh"] == "'-2+3*@SUM(A1)"
    assert row["gpu_hours"] == "17520.00"  # numbers stay numbers
    # the JSON is data, not a spreadsheet: it carries the names as they are
    assert client.get("/grantees.json").json()["grantees"][0]["organisation_zh"] == "+1+cmd"


def test_the_page_drops_a_withdrawn_grantee_though_its_rows_were_rendered_before(
    peak: Story, client: Client
) -> None:
    assert 'data-code="p2026a-001"' in client.get("/grantees/").content.decode()
    actions.do_withdraw_application(
        acting_user=peak.application.created_by, application=peak.application
    )
    page = client.get("/grantees/").content.decode()
    assert 'data-code="p2026a-001"' not in page
    assert "No grantees published yet." in page


def test_the_page_shows_a_renamed_organisation_and_each_language_its_own_rows_after_both_were_shown(
    peak: Story, client: Client, secretariat: User
) -> None:
    english = tbody(client.get("/grantees/").content.decode())
    assert "<td>Peak Lab</td>" in english
    client.cookies["django_language"] = "zh-hant"
    assert "<td>山頂實驗室</td>" in client.get("/grantees/").content.decode()
    do_update_organisation(
        acting_user=secretariat, organisation=peak.application.organisation, name_zh="頂峰實驗室"
    )
    assert "<td>頂峰實驗室</td>" in client.get("/grantees/").content.decode()
    client.cookies["django_language"] = "en"
    assert tbody(client.get("/grantees/").content.decode()) == english


def tbody(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]
