"""Schemes: the fund, its subsidy rates and who may apply; created and edited by the secretariat."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_noop

from aisc.core.allocations.credit import check_carry_over_percent
from aisc.core.errors import RuleViolation
from aisc.core.grants import caps, obligations, overlap
from aisc.web.accounts.models import OrgKind, User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
from aisc.web.grants.actions.lifecycle import snapshot
from aisc.web.grants.models import Scheme

SCHEME_FIELDS = (
    "code",
    "name_en",
    "name_zh",
    "fund",
    "default_rate",
    "max_rate",
    "exceptional_max_rate",
    "eligible_kinds",
    "final_report_days",
    "overlap_threshold",
    "exchange_auto_gpu_hours",
    "carry_over_percent",
    "org_cap_subsidy",
    "org_cap_gpu_hours",
    "group_cap_subsidy",
    "group_cap_gpu_hours",
)
CAP_FIELDS = SCHEME_FIELDS[-4:]
EDITABLE = frozenset(SCHEME_FIELDS) - {"code"}


def _check(scheme: Scheme) -> None:
    obligations.check_days(scheme.final_report_days)
    overlap.check_threshold(scheme.overlap_threshold)
    check_carry_over_percent(scheme.carry_over_percent)
    for name in CAP_FIELDS:
        caps.check_cap_value(getattr(scheme, name), name)
    limit = scheme.exchange_auto_gpu_hours
    if limit is not None and limit <= 0:
        raise RuleViolation(
            gettext_noop(
                "must be more than zero, or left empty so that every exchange waits for the "
                "secretariat"
            ),
            field="exchange_auto_gpu_hours",
        )
    if scheme.fund <= 0:
        raise RuleViolation("the fund must be positive", field="fund")
    scheme.rules()  # validates the rates, naming the one at fault
    if not scheme.eligible_kinds:
        raise RuleViolation("at least one applicant type must be eligible", field="eligible_kinds")
    unknown = sorted(set(scheme.eligible_kinds) - set(OrgKind.values))
    if unknown:
        raise RuleViolation(f"no such applicant type: {unknown[0]}", field="eligible_kinds")


@transaction.atomic
def do_create_scheme(
    *, acting_user: User | None, code: str, name_en: str, fund: Decimal, **fields: Any
) -> Scheme:
    if Scheme.objects.filter(code=code).exists():
        raise RuleViolation("a scheme with this code already exists", field="code")
    scheme = Scheme(code=code, name_en=name_en, fund=fund, **fields)
    _check(scheme)
    scheme.save()
    record(acting_user, verbs.SCHEME_CREATE, scheme, after=snapshot(scheme, ("code", "fund")))
    return scheme


@transaction.atomic
def do_update_scheme(*, acting_user: User | None, scheme: Scheme, **changes: Any) -> Scheme:
    """Change a scheme's names, fund, rates or eligible types; the code keys its calls and stays.

    The fund may not drop below what its calls' budgets already draw from it."""
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise RuleViolation(f"a scheme's {unknown[0]} cannot be changed", field=unknown[0])
    # Lock the row, as do_create_call does, so a call cannot be budgeted against the old fund.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    before = snapshot(scheme, SCHEME_FIELDS)
    for name, value in changes.items():
        setattr(scheme, name, value)
    _check(scheme)
    drawn = scheme.calls.aggregate(s=Sum("budget"))["s"] or Decimal(0)
    if scheme.fund < drawn:
        raise RuleViolation(
            f"the fund cannot drop below HK${drawn:,.2f}, what its calls' budgets already draw",
            field="fund",
        )
    scheme.save()
    after = snapshot(scheme, SCHEME_FIELDS)
    changed = {k for k in SCHEME_FIELDS if before[k] != after[k]}
    record(
        acting_user,
        verbs.SCHEME_UPDATE,
        scheme,
        before={k: before[k] for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
    )
    return scheme
