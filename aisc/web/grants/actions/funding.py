"""Double funding: the applicant declares other public funding for the same work while the
application is editable; screening sees the declarations and the scheme's earlier awards that
likely overlap (aisc.core.grants.overlap) and records a decision on each. All audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import overlap, request
from aisc.core.grants.workflow import EDITABLE, UNDECIDED, AwardStatus
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
from aisc.web.grants.models import (
    Application,
    Award,
    FundingCheck,
    FundingDeclaration,
    OverlapDecision,
)

DECISIONS = (FundingCheck.NO_OVERLAP, FundingCheck.OVERLAP)


@transaction.atomic
def do_declare_funding(
    *,
    acting_user: User,
    application: Application,
    funder: str,
    programme: str,
    amount: Decimal,
    start_date: dt.date,
    end_date: dt.date,
) -> FundingDeclaration:
    if application.state not in EDITABLE:
        raise RuleViolation(
            gettext_noop("funding is declared while the application can still be edited"),
            field="status",
        )
    checked = overlap.check_declaration(
        overlap.Declaration(funder, programme, amount, start_date, end_date)
    )
    found = FundingDeclaration.objects.create(
        application=application,
        funder=checked.funder.strip(),
        programme=checked.programme.strip(),
        amount=checked.amount,
        start_date=checked.start,
        end_date=checked.end,
    )
    record(
        acting_user,
        verbs.FUNDING_DECLARE,
        found,
        after={
            "application": application.pk,
            "funder": found.funder,
            "programme": found.programme,
            "amount": found.amount,
            "start": found.start_date,
            "end": found.end_date,
        },
    )
    return found


def _work(application: Application) -> overlap.Work | None:
    start = application.preferred_start
    if start is None or not application.months:
        return None
    return overlap.Work(
        ref=str(application.pk),
        organisation_id=application.organisation_id,
        start=start,
        end=request.period_end(start, application.months),
        text=f"{application.title} {application.title_zh} {application.summary}",
    )


@dataclass(frozen=True)
class Flagged:
    """An earlier award flagged for screening, with the decision recorded on it so far."""

    award: Award
    similarity: Decimal
    decision: OverlapDecision | None


def likely_overlaps(application: Application) -> list[Flagged]:
    """The scheme's earlier live awards that likely overlap this application."""
    work = _work(application)
    if work is None:
        return []
    scheme = application.call.scheme
    awards = {
        a.project_code: a
        for a in Award.objects.filter(
            application__call__scheme=scheme, organisation_id=application.organisation_id
        )
        .exclude(status=AwardStatus.CANCELLED)
        .exclude(application=application)
        .select_related("application")
    }
    earlier = [
        overlap.Work(
            code,
            a.organisation_id,
            a.start_date,
            a.end_date,
            f"{a.application.title} {a.application.title_zh} {a.application.summary}",
        )
        for code, a in awards.items()
    ]
    decided = {d.award_id: d for d in application.overlap_decisions.all()}
    return [
        Flagged(awards[o.ref], o.similarity, decided.get(awards[o.ref].pk))
        for o in overlap.likely_overlaps(work, earlier, scheme.overlap_threshold)
    ]


def _check_decision(application: Application, decision: str) -> FundingCheck:
    if application.state not in UNDECIDED:
        raise RuleViolation(
            gettext_noop("funding is checked while the application awaits its decision"),
            field="status",
        )
    if decision not in DECISIONS:
        raise RuleViolation(
            gettext_noop("the decision must be no_overlap or overlap"), field="decision"
        )
    return FundingCheck(decision)


@transaction.atomic
def do_check_declaration(
    *, acting_user: User, declaration: FundingDeclaration, decision: str, note: str = ""
) -> FundingDeclaration:
    found = FundingDeclaration.objects.select_for_update().get(pk=declaration.pk)
    value = _check_decision(found.application, decision)
    before = found.decision
    found.decision = value
    found.decision_note = note.strip()
    found.decided_by = acting_user
    found.decided_at = timezone.now()
    found.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    record(
        acting_user,
        verbs.FUNDING_CHECK,
        found,
        before={"decision": before},
        after={"application": found.application_id, "decision": value, "note": found.decision_note},
    )
    return found


@transaction.atomic
def do_check_overlap(
    *, acting_user: User, application: Application, award: Award, decision: str, note: str = ""
) -> OverlapDecision:
    value = _check_decision(application, decision)
    flagged = {f.award.pk: f for f in likely_overlaps(application)}
    if award.pk not in flagged:
        raise RuleViolation(
            gettext_noop("this award is not flagged as a likely overlap"), field="award"
        )
    found, _ = OverlapDecision.objects.update_or_create(
        application=application,
        award=award,
        defaults={
            "similarity": flagged[award.pk].similarity,
            "decision": value,
            "note": note.strip(),
            "decided_by": acting_user,
            "decided_at": timezone.now(),
        },
    )
    record(
        acting_user,
        verbs.FUNDING_CHECK,
        found,
        after={
            "application": application.pk,
            "award": award.project_code,
            "similarity": found.similarity,
            "decision": value,
            "note": found.note,
        },
    )
    return found


# The core's declaration rules, marked here for translation (the core imports no Django).
CORE_RULES = (
    gettext_noop("name the funder"),
    gettext_noop("must be more than zero (got %(amount)s)"),
    gettext_noop("the funding cannot end (%(end)s) before it starts (%(start)s)"),
    gettext_noop("must be more than 0 and at most 1 (got %(value)s)"),
)
