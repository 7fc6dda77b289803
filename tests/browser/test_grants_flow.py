"""Issue 3's acceptance walk in a real browser: draft and submit with the estimate, screening
and reviewers (a conflicted third refused), scoring, a decision in part at 70 %, and the public
list in English and Chinese agreeing with its CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
Login = Callable[[Page, str, str], None]
PASSWORD = "demo-pass-2026"


@pytest.fixture
def clear_ledger(transactional_db: Any) -> Iterator[None]:
    """An approval posts its commitment to billing's append-only ledger, whose SQLite triggers
    refuse the DELETE that flushes the database after a live-server test. After the test, empty
    those tables with their triggers briefly lifted, then put the same triggers back."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND sql LIKE '%append-only%'"
        )
        triggers = cursor.fetchall()
        for name, _table, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        # The flush that follows empties every other table; rows pointing here vanish with it.
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in sorted({table for _name, table, _sql in triggers}):
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - from sqlite_master
        cursor.execute("PRAGMA foreign_keys = ON")
        for _name, _table, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def open_call(demo_people: Any, clear_ledger: None, inventory: None, price: Decimal) -> Call:
    # Grants' shared fixtures: the capacity guard allocates nothing of a chip without the demo
    # cluster's nodes (the award's allocation is made inside the committee's decision), and the
    # estimate prices H800 hours from a rate card.
    scheme = actions.do_create_scheme(
        acting_user=None, code="aiss", name_en="AI Subsidy Scheme", fund=Decimal("3000000000")
    )
    call = actions.do_create_call(
        acting_user=None,
        scheme=scheme,
        code="c2026a",
        title_en="2026 first call",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 12, 31),
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        budget=Decimal("50000000"),
    )
    return actions.do_open_call(acting_user=None, call=call)


def as_user(page: Page, login: Login, email: str) -> None:
    page.context.clear_cookies()
    login(page, email, PASSWORD)


def draft_and_submit(page: Page, live_url: str) -> int:
    page.goto(f"{live_url}/grants/")
    page.get_by_label("Project title").fill("Harbour legal LLM")
    page.get_by_role("button", name="Start an application").click()
    fields = {
        "Summary": "LoRA fine-tuning of a 70B base on Hong Kong legal texts.",
        "Parameters": "70000000000",
        "Training tokens": "2000000000",
        "Epochs": "3",
        "Sequence length": "4096",
        "Number of GPUs": "16",
        "Months": "6",
        "Preferred start": "2027-01-01",
        "Work plan with milestones": "M1 data; M2 tuning; M3 evaluation.",
        "Team": "Four engineers.",
        "Track record": "Fine-tuned 7B models before.",
        "Ethics and model-risk self-assessment": "Licensed data; red-teaming.",
        "Expected benefit to society": "Cheaper legal help.",
    }
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Category", exact=True).select_option("language")
    page.get_by_label("Model type", exact=True).select_option("dense")
    page.get_by_label("Precision", exact=True).select_option("bf16")
    page.get_by_label("Chip type", exact=True).select_option("h800")
    page.get_by_label("Workload", exact=True).select_option("peft")
    page.get_by_label("I declare no other public funding covers the same scope").check()
    # Saved as you go: the estimate appears beside the form without pressing Save.
    expect(page.locator('#live [data-key="gpu_hours"]')).to_be_visible()
    expect(page.locator('#live [data-key="requested_gpu_hours"]')).to_have_text("70,080")
    # htmx marks the form with htmx-request while a save is on its way; none is left.
    expect(page.locator("#application-form.htmx-request")).to_have_count(0)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_label("Kind").select_option("financial_proof")
    page.get_by_label("File (PDF, PNG, JPEG or DOCX, at most 10 MB)").set_input_files(
        {"name": "statements.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 ok"}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Document uploaded.")).to_be_visible()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator("#app-status")).to_have_text("Submitted")
    return Application.objects.get(title="Harbour legal LLM").pk


def screen_and_assign(page: Page, live_url: str, app_id: int, call: Call) -> None:
    page.goto(f"{live_url}/grants/applications/{app_id}/")
    for item in call.checklist:
        page.get_by_label(item["label_en"]).check()
    page.locator("#screening-form").get_by_role("button", name="Record screening").click()
    expect(page.locator("#app-status")).to_have_text("In review")
    for name in ("Rita Reviewer", "Rosa Reviewer"):
        page.locator("#assign-form").get_by_label("Reviewer").select_option(label=name)
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.get_by_text("Reviewer assigned.")).to_be_visible()
    # Ray declared a relationship with Junk Boat AI, the applicant: refused.
    page.locator("#assign-form").get_by_label("Reviewer").select_option(label="Ray Reviewer")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("conflict of interest")).to_be_visible()
    page.goto(f"{live_url}/grants/calls/{call.pk}/ranking")
    page.get_by_role("button", name="Close the call").click()
    expect(page.locator("#consequence")).to_contain_text("stops new applications")
    page.get_by_role("button", name="Yes, close the call").click()
    expect(page.get_by_text("Call closed.")).to_be_visible()


def score(page: Page, live_url: str, app_id: int, scores: dict[str, str]) -> None:
    page.goto(f"{live_url}/grants/applications/{app_id}/")
    for code, value in scores.items():
        page.locator(f'input[name="score_{code}"]').fill(value)
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted.")).to_be_visible()


def decide_and_publish(page: Page, live_url: str, app_id: int, call: Call) -> None:
    page.goto(f"{live_url}/grants/applications/{app_id}/")
    expect(page.locator('[data-key="gpu_hours"]')).to_be_visible()  # the estimate beside it
    form = page.locator("#decision-form")
    form.get_by_label("Outcome").select_option("approve_in_part")
    form.get_by_label("GPUs (approval in part)").fill("8")
    form.get_by_label("Subsidy rate (e.g. 0.70)").fill("0.70")
    form.get_by_label("Members present").select_option(label="Cora Committee")
    form.get_by_role("button", name="Record decision").click()
    expect(page.locator("#app-status")).to_have_text("Approved in part")
    page.goto(f"{live_url}/grants/calls/{call.pk}/ranking")
    page.get_by_role("button", name="Publish the results").click()
    expect(page.locator("#consequence")).to_contain_text("public grantee list")
    page.get_by_role("button", name="Yes, publish the results").click()
    expect(page.get_by_text("Results published.")).to_be_visible()


def table_rows(page: Page) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("#grantees tbody tr").all()
    ]


def test_the_whole_grant_flow_ends_on_the_public_list_in_both_languages(
    page: Page, live_url: str, login: Login, open_call: Call
) -> None:
    as_user(page, login, "startup@aisc.demo")
    app_id = draft_and_submit(page, live_url)
    as_user(page, login, "secretariat@aisc.demo")
    screen_and_assign(page, live_url, app_id, open_call)
    as_user(page, login, "reviewer@aisc.demo")
    score(
        page,
        live_url,
        app_id,
        {"alignment": "8", "compute": "7", "technical": "8", "financial": "6"},
    )
    as_user(page, login, "reviewer3@aisc.demo")
    score(
        page,
        live_url,
        app_id,
        {"alignment": "7", "compute": "6", "technical": "7", "financial": "7"},
    )
    as_user(page, login, "committee@aisc.demo")
    decide_and_publish(page, live_url, app_id, open_call)

    page.context.clear_cookies()
    page.goto(f"{live_url}/grantees/")
    english = table_rows(page)
    assert len(english) == 1
    code, organisation, title, hours, chip, _period, percent, cap = english[0]
    assert (organisation, title, hours, chip, percent) == (
        "Junk Boat AI Ltd",
        "Harbour legal LLM",
        "35040.00",
        "h800",
        "70",
    )
    listed = json.loads(page.request.get(f"{live_url}/grantees.json").text())["grantees"]
    text = page.request.get(f"{live_url}/grantees.csv").body().decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(text))) == listed
    # The page prints money for people (HK$490,560.00); the exports keep the plain figure.
    assert [
        (
            g["project_code"],
            g["gpu_hours"],
            g["subsidy_percent"],
            f"HK${Decimal(g['subsidy_cap_hkd']):,.2f}",
        )
        for g in listed
    ] == [(code, hours, percent, cap)]
    page.get_by_label("Language").select_option("zh-hant")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("人工智能資助計劃受資助者")
    chinese = table_rows(page)
    assert chinese[0][1] == listed[0]["organisation_zh"] == "帆船人工智能有限公司"
