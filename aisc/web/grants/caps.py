"""The scheme's cumulative caps as the committee meets them: each organisation's (and its group
of related organisations') running total of subsidy committed and GPU-hours awarded across the
scheme's calls, against the caps (aisc.core.grants.caps holds the rule)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_noop

from aisc.core.grants import caps
from aisc.core.grants.caps import Breach, Cap, Scope, Totals
from aisc.core.grants.workflow import AwardStatus
from aisc.core.units import CENT
from aisc.web.accounts.models import Organisation
from aisc.web.grants.models import Award, RelatedGroup, Scheme

LIVE = (AwardStatus.APPROVED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)


@dataclass(frozen=True)
class Standing:
    """One scope's running total against its cap, as the decision screen shows it."""

    scope: Scope
    name: str
    totals: Totals
    cap: Cap


def totals(scheme: Scheme, organisation_ids: Iterable[int]) -> Totals:
    """Committed subsidy and awarded GPU-hours of the live awards in every call of the scheme."""
    sums = Award.objects.filter(
        application__call__scheme=scheme,
        organisation_id__in=list(organisation_ids),
        status__in=LIVE,
    ).aggregate(subsidy=Sum("committed_amount"), hours=Sum("gpu_hours"))
    # To the cent as the fields hold them: SQLite's SUM drops the scale of a whole total
    # (17520 where PostgreSQL gives 17520.00), and the committee reads these figures.
    return Totals(_cents(sums["subsidy"]), _cents(sums["hours"]))


def _cents(total: Decimal | None) -> Decimal:
    return (total or Decimal(0)).quantize(CENT)


def group_of(organisation: Organisation) -> RelatedGroup | None:
    found: RelatedGroup | None = organisation.related_groups.order_by("name").first()
    return found


def standings(scheme: Scheme, organisation: Organisation) -> list[Standing]:
    found = [
        Standing(
            Scope.ORGANISATION,
            str(organisation),
            totals(scheme, [organisation.pk]),
            scheme.org_cap(),
        )
    ]
    group = group_of(organisation)
    if group is not None:
        members = list(group.organisations.values_list("pk", flat=True))
        found.append(Standing(Scope.GROUP, group.name, totals(scheme, members), scheme.group_cap()))
    return found


def breaches(scheme: Scheme, organisation: Organisation, adding: Totals) -> list[Breach]:
    return [
        breach
        for standing in standings(scheme, organisation)
        for breach in caps.breaches(
            standing.scope, standing.name, standing.cap, standing.totals, adding
        )
    ]


# The core's cap rules, marked here for translation (the core imports no Django); the page
# translates the template, then fills in its figures (views.page.in_language).
CORE_RULES = (
    gettext_noop(
        "this award would bring %(name)s to HK$%(after)s of subsidy in this scheme, over the "
        "cap of HK$%(cap)s per organisation (HK$%(before)s before it); give a reason to use the "
        "exceptional rule"
    ),
    gettext_noop(
        "this award would bring %(name)s to %(after)s GPU-hours in this scheme, over the cap of "
        "%(cap)s GPU-hours per organisation (%(before)s before it); give a reason to use the "
        "exceptional rule"
    ),
    gettext_noop(
        "this award would bring the related organisations %(name)s to HK$%(after)s of subsidy in "
        "this scheme, over the group cap of HK$%(cap)s (HK$%(before)s before it); give a reason "
        "to use the exceptional rule"
    ),
    gettext_noop(
        "this award would bring the related organisations %(name)s to %(after)s GPU-hours in "
        "this scheme, over the group cap of %(cap)s GPU-hours (%(before)s before it); give a "
        "reason to use the exceptional rule"
    ),
    gettext_noop("must be more than zero, or left empty for no cap"),
)
