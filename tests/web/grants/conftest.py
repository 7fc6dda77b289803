"""Fixtures of the grants tests: a scheme, an open call, staff, and an application at each step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.catalogue.actions import RateCardInput, do_save_rate_card
from aisc.web.catalogue.models import RateCard
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call, Document, Review, Scheme
from aisc.web.notify import mailing
from aisc.web.outbox.models import OutboxMessage

STATUS_MAIL = "Your application changed status"
LIST_PRICE = Decimal("20")  # HK$ per H800 GPU-hour, the reference list price of facts §4.2


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Argon2 is slow on purpose; these tests create many users and never check a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploads land in the test's own directory, never in a shared data dir."""
    settings.AISC_FILES_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def price(db: Any) -> Decimal:
    """An H800 rate card in force from 2026, unless a test (of grants, or of a domain that
    borrows these fixtures) has loaded the demo catalogue's cards already: both price H800 at
    HK$20, and a second card would overlap the first."""
    if not RateCard.objects.filter(chip_id="h800").exists():
        do_save_rate_card(
            RateCardInput("h800", dt.date(2026, 1, 1), None, LIST_PRICE), acting_user=None
        )
    return LIST_PRICE


@pytest.fixture(autouse=True)
def inventory(db: Any) -> None:
    """The demo cluster's nodes (16 H800 and 16 BR104 GPUs): the capacity guard allocates
    nothing of a chip without nodes, and an award's allocation is made inside the decision."""
    catalogue_demo.load_inventory()


Mails = Callable[[], list[tuple[str, str]]]


@pytest.fixture
def sent(db: Any) -> Mails:
    """(recipient, subject) of each mail queued in the outbox so far, in order."""

    def mails() -> list[tuple[str, str]]:
        rows = OutboxMessage.objects.filter(kind=mailing.KIND).order_by("id")
        users = dict(User.objects.values_list("pk", "email"))
        return [(users[m.payload["user_id"]], m.payload["subject"]) for m in rows]

    return mails


@pytest.fixture
def scheme(db: Any) -> Scheme:
    return actions.do_create_scheme(
        acting_user=None, code="aiss", name_en="AI Subsidy Scheme", fund=Decimal("3000000000")
    )


@pytest.fixture
def call(scheme: Scheme) -> Call:
    created = actions.do_create_call(
        acting_user=None,
        scheme=scheme,
        code="c2026a",
        title_en="2026 first call",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 3, 31),
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
        budget=Decimal("50000000"),
    )
    return actions.do_open_call(acting_user=None, call=created)


@pytest.fixture
def secretariat(make_user: Callable[..., User]) -> User:
    return make_user("secretariat", email="sec@aisc.hk")


@pytest.fixture
def committee(make_user: Callable[..., User]) -> User:
    return make_user("committee", email="chair@aisc.hk")


@pytest.fixture
def reviewers(make_user: Callable[..., User]) -> list[User]:
    return [make_user("reviewer", email=f"rev{n}@aisc.hk") for n in (1, 2)]


def complete_fields() -> dict[str, Any]:
    return {
        "summary": "Continued pre-training of a Cantonese 7B model.",
        "category": "language",
        "model_type": "dense",
        "parameters": 7e9,
        "training_tokens": 1e12,
        "epochs": 1.0,
        "seq_len": 4096,
        "precision": "bf16",
        "workload": "pretrain",
        "chip": "h800",
        "gpus": 16,
        "months": 6,
        "preferred_start": dt.date(2026, 4, 1),
        "work_plan": "M1 data; M2 training; M3 evaluation.",
        "team": "Five researchers.",
        "track_record": "Trained 1B models before.",
        "no_double_funding": True,
        "ethics_assessment": "Low risk; filtered data.",
        "societal_benefit": "A public Cantonese model.",
    }


def attach(application: Application, user: User, kind: str = "financial_proof") -> Document:
    """A stored document row, as an upload leaves it (the upload path has its own tests)."""
    return Document.objects.create(
        application=application,
        kind=kind,
        name=f"{kind}.pdf",
        key=f"test/{kind}.pdf",
        content_type="application/pdf",
        size=1000,
        uploaded_by=user,
    )


@pytest.fixture
def draft(call: Call, applicant: User, org: Organisation) -> Application:
    return actions.do_create_application(
        acting_user=applicant,
        call=call,
        organisation=org,
        title="Cantonese LLM",
        **complete_fields(),
    )


@pytest.fixture
def submitted(draft: Application, applicant: User) -> Application:
    attach(draft, applicant)
    return actions.do_submit_application(acting_user=applicant, application=draft)


@pytest.fixture
def in_review(submitted: Application, secretariat: User) -> Application:
    answers = dict.fromkeys(submitted.call.checklist_codes(), True)
    return actions.do_screen(
        acting_user=secretariat, application=submitted, outcome="pass", answers=answers
    )


SCORES = {"alignment": 8, "compute": 7, "technical": 8, "financial": 6}


@pytest.fixture
def reviewed(in_review: Application, secretariat: User, reviewers: list[User]) -> Application:
    for reviewer in reviewers:
        review: Review = actions.do_assign_reviewer(
            acting_user=secretariat, application=in_review, reviewer=reviewer
        )
        actions.do_submit_review(acting_user=reviewer, review=review, scores=SCORES, comments={})
    return in_review


# The permission matrices (API and portal) both ask every role about another organisation's objects.
ROLES = ("applicant", *Role.ALL)


@pytest.fixture
def story(call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Any:
    """A funded application of another organisation, with a review, an award and a report."""
    from .scenario import funded_story  # scenario imports this module, so not at the top

    return funded_story(call, make_org(name_en="Their Lab"), make_user)


@pytest.fixture
def clients(
    make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> dict[str, Client]:
    """One logged-in client per role; the applicant belongs to an organisation of its own."""
    mine = make_org(name_en="My Lab")
    result = {}
    for role in ROLES:
        user = make_user(org=mine) if role == "applicant" else make_user(role)
        client = Client()
        client.force_login(user)
        result[role] = client
    return result
