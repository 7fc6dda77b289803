"""`aisc demo load`: one decided and published call, one open call, twelve applications from
invented organisations with reviews, decisions, a progress report with KPIs and outputs, caps
and declared other funding (demo_outcomes.py). Idempotent: it does nothing
when its calls already exist."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aisc.core.grants.starter import Terms
from aisc.web.accounts.actions import do_create_user
from aisc.web.accounts.models import Organisation, User
from aisc.web.demo import DEMO_PASSWORD, DemoReport
from aisc.web.demo.people import ensure_organisation
from aisc.web.grants import actions, demo_outcomes
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.demo_data import EXTRA_ORGS, OPEN, PUBLISHED, DemoApp
from aisc.web.grants.models import Application, Call, Scheme

PDF = b"%PDF-1.4\n% demo financial proof\n"
# Different reviewers see a project differently; the spread shows on the committee's list.
SCORE_SETS = [
    {"alignment": 8, "compute": 7, "technical": 8, "financial": 7},
    {"alignment": 7, "compute": 6, "technical": 8, "financial": 6},
    {"alignment": 5, "compute": 4, "technical": 6, "financial": 5},
]


def load(report: DemoReport) -> None:
    if Call.objects.filter(code__in=("c2026a", "c2026b")).exists():
        return
    staff = _staff()
    scheme = actions.do_create_scheme(
        acting_user=staff["admin"],
        code="aiss",
        name_en="Artificial Intelligence Subsidy Scheme",
        name_zh="人工智能資助計劃",
        fund=Decimal("3000000000"),
    )
    published = _call(scheme, staff, "c2026a", "2026 first call", "2026年第一輪徵集", 3, 7)
    for app in PUBLISHED:
        _play(published, app, staff, report)
    # The second call's applications go in before the first call's awards are published (and so
    # owe final reports): a demo loaded after those reports fall overdue still loads.
    open_call = _call(scheme, staff, "c2026b", "2026 second call", "2026年第二輪徵集", 11, 2)
    for app in OPEN:
        _play(open_call, app, staff, report)
    actions.do_close_call(acting_user=staff["secretariat"], call=published)
    actions.do_publish_results(acting_user=staff["committee"], call=published)
    demo_outcomes.progress_report(staff)
    demo_outcomes.check_declarations(staff)
    demo_outcomes.caps(scheme, staff)
    _starter_grant(scheme, staff, report)
    report.notes.append("grants: calls c2026a (published) and c2026b (open), 12 applications")


def _staff() -> dict[str, User]:
    emails = {
        "admin": "admin@aisc.demo",
        "secretariat": "secretariat@aisc.demo",
        "committee": "committee@aisc.demo",
        "reviewer1": "reviewer@aisc.demo",
        "reviewer2": "reviewer2@aisc.demo",
        "reviewer3": "reviewer3@aisc.demo",
    }
    return {key: User.objects.get(email=email) for key, email in emails.items()}


def _call(
    scheme: Scheme,
    staff: dict[str, User],
    code: str,
    en: str,
    zh: str,
    month: int,
    period_month: int,
) -> Call:
    opens = dt.date(2026, month, 1)
    period_year = 2026 if period_month > month else 2027
    call = actions.do_create_call(
        acting_user=staff["secretariat"],
        scheme=scheme,
        code=code,
        title_en=en,
        title_zh=zh,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=91),
        period_start=dt.date(period_year, period_month, 1),
        period_end=dt.date(period_year + 1, period_month, 1) - dt.timedelta(days=1),
        budget=Decimal("150000000"),
    )
    return actions.do_open_call(acting_user=staff["secretariat"], call=call)


def _member(code: str, report: DemoReport) -> tuple[Organisation, User]:
    org = Organisation.objects.filter(registration_code=code).first()
    if org is None:
        en, zh, kind = next((e, z, k) for c, e, z, k in EXTRA_ORGS if c == code)
        org = ensure_organisation(code, en, zh, kind)
    member = User.objects.filter(memberships__organisation=org).first()
    if member is None:
        member = do_create_user(
            acting_user=None,
            email=f"{code.lower()}@aisc.demo",
            password=DEMO_PASSWORD,
            full_name=f"{org.name_en} applicant",
            organisation=org,
            membership_role="admin",
        )
        report.logins.append((f"applicant ({code})", member.email, DEMO_PASSWORD))
    return org, member


def _play(call: Call, app: DemoApp, staff: dict[str, User], report: DemoReport) -> None:
    org, member = _member(app.org, report)
    application = actions.do_create_application(
        acting_user=member, call=call, organisation=org, title=app.title, title_zh=app.title_zh
    )
    if app.fate == "draft":
        actions.do_update_application(acting_user=member, application=application, **app.fields)
        return
    _complete(application, member, app)
    FATES[app.fate](application, app, staff)


def _complete(application: Application, member: User, app: DemoApp) -> None:
    org = application.organisation
    text = {
        "summary": f"{app.title}: a project of {org.name_en}.",
        "lay_summary": f"{org.name_en} uses the centre's GPUs for: {app.title}.",
        "lay_summary_zh": f"{org.name_zh or org.name_en}以中心的GPU進行「{app.title_zh}」。",
        "work_plan": "M1 (month 1): data pipeline. M2: training runs. M3: evaluation and release.",
        "team": "Principal investigator, four research engineers, one data steward.",
        "track_record": "Has trained and released smaller models on rented GPUs.",
        "no_double_funding": True,
        "other_public_funding": "None for this scope.",
        "ethics_assessment": "Data licensed or public; red-teaming before any release.",
        "societal_benefit": "Local capability in AI, open results for Hong Kong.",
    }
    actions.do_update_application(acting_user=member, application=application, **text, **app.fields)
    actions.do_upload_document(
        acting_user=member,
        application=application,
        kind="financial_proof",
        name="bank-statements.pdf",
        stream=io.BytesIO(PDF),
        size=len(PDF),
    )
    if app.declares_funding:
        demo_outcomes.declare_funding(application, member)
    actions.do_submit_application(acting_user=member, application=application)


def _screen(
    application: Application, staff: dict[str, User], outcome: str = "pass", message: str = ""
) -> None:
    answers = dict.fromkeys(application.call.checklist_codes(), outcome == "pass")
    actions.do_screen(
        acting_user=staff["secretariat"],
        application=application,
        outcome=outcome,
        answers=answers,
        message=message,
    )


def _review(application: Application, staff: dict[str, User], low: bool = False) -> None:
    _screen(application, staff)
    # reviewer2 declared a relationship with Junk Boat AI (people loader): never assigned there.
    names = (
        ["reviewer1", "reviewer3"]
        if application.organisation.registration_code == "JNK-DEMO"
        else ["reviewer1", "reviewer2"]
    )
    for n, name in enumerate(names):
        review = actions.do_assign_reviewer(
            acting_user=staff["secretariat"], application=application, reviewer=staff[name]
        )
        scores = SCORE_SETS[2] if low else SCORE_SETS[n]
        comments = {"compute": "Request checked against the estimate beside it."}
        actions.do_submit_review(
            acting_user=staff[name], review=review, scores=scores, comments=comments
        )


def _decide(outcome: str) -> Callable[[Application, DemoApp, dict[str, User]], None]:
    def run(application: Application, app: DemoApp, staff: dict[str, User]) -> None:
        _review(application, staff, low=outcome == "reject")
        extra: dict[str, Any] = dict(app.decision)
        if "subsidy_rate" in extra:
            extra["subsidy_rate"] = Decimal(extra["subsidy_rate"])
        actions.do_decide(
            acting_user=staff["committee"],
            application=application,
            decision=DecisionInput(
                outcome=outcome,
                members_present=[staff["committee"]],
                conflicts_declared="None declared.",
                **extra,
            ),
        )

    return run


def _withdraw(application: Application, app: DemoApp, staff: dict[str, User]) -> None:
    _review(application, staff)
    actions.do_withdraw_application(acting_user=application.created_by, application=application)


FATES: dict[str, Callable[[Application, DemoApp, dict[str, User]], None]] = {
    "approve": _decide("approve"),
    "approve_in_part": _decide("approve_in_part"),
    "reject": _decide("reject"),
    "withdraw": _withdraw,
    "ineligible": lambda a, app, s: _screen(a, s, "reject", "Not registered in Hong Kong."),
    "in_review": lambda a, app, s: _review(a, s),
    "submitted": lambda a, app, s: None,
    "returned": lambda a, app, s: _screen(a, s, "return", "Attach the last audited accounts."),
}


def _starter_grant(scheme: Scheme, staff: dict[str, User], report: DemoReport) -> None:
    """A starter-grant programme open around today, and one request the system approved."""
    today = timezone.localdate()
    call = actions.do_create_call(
        acting_user=staff["secretariat"], scheme=scheme, code="s2026",
        title_en="Starter grants: try an accelerator", title_zh="入門資助：試用加速器",
        opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=335),
        period_start=today - dt.timedelta(days=30), period_end=today + dt.timedelta(days=730),
        budget=Decimal("5000000"),
    )  # fmt: skip
    actions.do_open_call(acting_user=staff["secretariat"], call=call)
    terms = Terms(Decimal(500), 3, ("h800", "br104"), 2, scheme.default_rate)
    programme = actions.do_create_starter_programme(
        acting_user=staff["secretariat"], call=call, terms=terms
    )
    org, member = _member("KMA-DEMO", report)
    ask = actions.StarterRequest(
        organisation=org, chip="br104", title="Radiology report summariser on BR104",
        title_zh="以 BR104 運行的放射報告摘要模型",
        lay_summary="Tries whether a domestic accelerator can serve a medical summariser.",
        lay_summary_zh="試驗國產加速器能否運行醫療報告摘要模型。",
    )  # fmt: skip
    done = actions.do_apply_starter(acting_user=member, programme=programme, ask=ask)
    report.notes.append(f"grants: starter programme s2026, request {done.pk} {done.status}")
