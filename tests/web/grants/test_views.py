"""The portal pages of the grants domain, per role."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Award, Call
from tests.fixtures.grants import SCORES
from tests.fixtures.pages import as_client

from .scenario import funded_story


def test_an_applicant_starts_a_draft_and_the_live_save_returns_the_estimate(
    call: Call, applicant: User
) -> None:
    me = as_client(applicant)
    home = me.get("/grants/")
    assert "Start an application" in home.content.decode()
    started = me.post(f"/grants/calls/{call.pk}/start", {"title": "Tram LLM"})
    application = Application.objects.get(title="Tram LLM")
    assert started["Location"] == f"/grants/applications/{application.pk}/edit"
    live = me.post(
        f"/grants/applications/{application.pk}/edit",
        {
            "title": "Tram LLM",
            "parameters": "7e9",
            "training_tokens": "1e12",
            "precision": "bf16",
            "workload": "pretrain",
            "chip": "h800",
            "gpus": "16",
            "months": "6",
            "preferred_start": "2026-04-01",
            "partial": "1",
        },
    )
    body = live.content.decode()
    assert live.status_code == 200
    assert 'data-key="gpu_hours"' in body
    assert 'data-key="requested_gpu_hours">70,080' in body
    application.refresh_from_db()
    assert (application.gpus, application.chip) == (16, "h800")


def test_a_bad_value_on_the_form_names_the_field_and_keeps_the_draft(
    draft: Application, applicant: User
) -> None:
    response = as_client(applicant).post(
        f"/grants/applications/{draft.pk}/edit",
        {"title": draft.title, "months": "13", "gpus": "16", "preferred_start": "2026-04-01"},
    )
    assert response.status_code == 422
    assert "past the call&#x27;s period end" in response.content.decode()
    draft.refresh_from_db()
    assert draft.months == 6


def test_the_live_panel_names_refused_and_missing_fields_by_their_chinese_labels(
    draft: Application, applicant: User
) -> None:
    me = as_client(applicant)
    me.cookies["django_language"] = "zh-hant"
    live = me.post(
        f"/grants/applications/{draft.pk}/edit",
        {"title": draft.title, "gpus": "-3", "partial": "1"},
    ).content.decode()
    assert "<p>GPU 數目: " in live
    assert "gpus:" not in live
    # Nothing is attached yet: the financial proof is missing, named as its kind reads.
    missing = live.split('<ul class="missing">')[1].split("</ul>")[0]
    assert "<li>財務證明</li>" in missing
    assert "financial_proof" not in missing
    assert "<code>" not in missing


def test_a_forbidden_upload_on_the_page_keeps_the_draft(
    draft: Application, applicant: User
) -> None:
    bad = io.BytesIO(b"MZ")
    bad.name = "virus.exe"
    me = as_client(applicant)
    response = me.post(
        f"/grants/applications/{draft.pk}/upload", {"kind": "other", "file": bad}, follow=True
    )
    assert "file: files of type .exe are not accepted" in response.content.decode()
    assert draft.documents.count() == 0
    draft.refresh_from_db()
    assert draft.title == "Cantonese LLM"


def test_a_conflicted_reviewer_finds_the_application_neither_by_id_nor_in_the_list(
    reviewed: Application, reviewers: list[User]
) -> None:
    reviewers[1].declared_relationships = "HU-1"
    reviewers[1].save()
    client = as_client(reviewers[1])
    response = client.get(f"/grants/applications/{reviewed.pk}/")
    assert response.status_code == 404
    assert "Continued pre-training" not in response.content.decode()
    assert reviewed.title not in client.get("/grants/").content.decode()


def test_a_reviewer_sees_others_scores_only_after_submitting(
    in_review: Application, secretariat: User, reviewers: list[User]
) -> None:
    sec = as_client(secretariat)
    for reviewer in reviewers:
        sec.post(f"/grants/applications/{in_review.pk}/assign", {"reviewer": reviewer.pk})
    first, second = (as_client(r) for r in reviewers)
    review_one = in_review.reviews.get(reviewer=reviewers[0])
    scores = {f"score_{k}": v for k, v in SCORES.items()}
    first.post(f"/grants/reviews/{review_one.pk}", scores)
    page = second.get(f"/grants/applications/{in_review.pk}/").content.decode()
    assert reviewers[0].email not in page
    assert "73.00" not in page
    review_two = in_review.reviews.get(reviewer=reviewers[1])
    second.post(f"/grants/reviews/{review_two.pk}", scores)
    page = second.get(f"/grants/applications/{in_review.pk}/").content.decode()
    assert reviewers[0].email in page


def test_the_committee_decides_in_part_at_70_percent_from_the_page(
    reviewed: Application, committee: User
) -> None:
    chair = as_client(committee)
    ranked = chair.get(f"/grants/calls/{reviewed.call_id}/ranking").content.decode()
    assert "Cantonese LLM" in ranked
    chair.post(
        f"/grants/applications/{reviewed.pk}/decide",
        {
            "outcome": "approve_in_part",
            "gpus": "8",
            "subsidy_rate": "0.70",
            "first_tranche": "0.5",
            "members_present": [committee.pk],
        },
    )
    award = Award.objects.get(application=reviewed)
    assert (award.gpus, award.subsidy_rate, award.tranches.count()) == (8, Decimal("0.70"), 2)


def test_above_70_percent_without_a_reason_the_page_says_which_field(
    reviewed: Application, committee: User
) -> None:
    response = as_client(committee).post(
        f"/grants/applications/{reviewed.pk}/decide",
        {"outcome": "approve", "subsidy_rate": "0.80", "members_present": [committee.pk]},
    )
    assert response.status_code == 422
    [refusal] = response.context["decision_form"].errors["exceptional_reason"]
    assert refusal.startswith("a subsidy above 70% needs")
    assert not Award.objects.exists()


def test_the_public_list_agrees_in_html_csv_and_json_and_hides_the_unpublished(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    reviewed: Application,
    client: Client,
) -> None:
    # Publishing waits for every decision: the reviewed application is rejected first.
    chair = make_user("committee")
    actions.do_decide(
        acting_user=chair,
        application=reviewed,
        decision=actions.DecisionInput(outcome="reject", members_present=[chair]),
    )
    story = funded_story(call, make_org(name_en="Peak Lab", name_zh="山頂實驗室"), make_user)
    page = client.get("/grantees/").content.decode()
    assert "Secret project" in page
    assert "Cantonese LLM" not in page  # rejected, so never on the list
    rows = list(
        csv.DictReader(io.StringIO(client.get("/grantees.csv").content.decode("utf-8-sig")))
    )
    data = json.loads(client.get("/grantees.json").content)["grantees"]
    assert rows == data
    assert [(r["project_code"], r["gpu_hours"], r["subsidy_percent"]) for r in rows] == [
        (story.award.project_code, "17520.00", "70")
    ]
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/grantees/"})
    chinese = client.get("/grantees/").content.decode()
    assert "山頂實驗室" in chinese


def test_a_grantee_reports_and_the_secretariat_accepts_releasing_the_next_tranche(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    story = funded_story(call, make_org(), make_user)
    sec = as_client(make_user("secretariat"))
    page = sec.get(f"/grants/awards/{story.award.pk}/").content.decode()
    assert "M1" in page
    sec.post(f"/grants/reports/{story.report.pk}/decide", {"accept": "1"})
    assert story.award.tranches.filter(released_at__isnull=True).count() == 0
