"""The audit log's verbs and object types in the reader's words, at display.

A stored row keeps its code (`grants.application.submit`, `Application`): the hash chain covers
it, and the filters and the API speak it. The page shows the label beside the code; a verb or type
this table does not know (written by a later version, or before a rename) shows as stored.
Rows written before verbs were named `app.noun.verb` read through
`aisc.web.audit.filters.EARLIER_NAMES`. An object type is a model's class name and reads as the
model's verbose_name, translated where the model is; the verbs and the few types that are not
models carry a context ("audit verb", "audit object") so that a word here never changes what it
reads as on another app's page.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

from aisc.web.audit.filters import EARLIER_NAMES

VERBS: dict[str, Promise] = {
    "accounts.api_token.create": pgettext_lazy("audit verb", "API token created"),
    "accounts.api_token.revoke": pgettext_lazy("audit verb", "API token revoked"),
    "accounts.api_token.revoke_all": pgettext_lazy("audit verb", "All API tokens revoked"),
    "accounts.membership.accept": pgettext_lazy("audit verb", "Invitation accepted"),
    "accounts.membership.change_role": pgettext_lazy("audit verb", "Member's role changed"),
    "accounts.membership.decline": pgettext_lazy("audit verb", "Invitation declined"),
    "accounts.membership.invite": pgettext_lazy("audit verb", "Member invited"),
    "accounts.membership.remove": pgettext_lazy("audit verb", "Member removed"),
    "accounts.membership.request": pgettext_lazy("audit verb", "Membership requested"),
    "accounts.organisation.create": pgettext_lazy("audit verb", "Organisation created"),
    "accounts.organisation.document_add": pgettext_lazy(
        "audit verb", "Registration document added"
    ),
    "accounts.organisation.document_download": pgettext_lazy(
        "audit verb", "Registration document downloaded"
    ),
    "accounts.organisation.refuse": pgettext_lazy("audit verb", "Organisation refused"),
    "accounts.organisation.register": pgettext_lazy("audit verb", "Organisation registered"),
    "accounts.organisation.update": pgettext_lazy("audit verb", "Organisation updated"),
    "accounts.organisation.verify": pgettext_lazy("audit verb", "Organisation verified"),
    "accounts.two_factor.enrol": pgettext_lazy("audit verb", "Two-factor sign-in set up"),
    "accounts.two_factor.regenerate_codes": pgettext_lazy(
        "audit verb", "Recovery codes regenerated"
    ),
    "accounts.two_factor.reset": pgettext_lazy("audit verb", "Two-factor sign-in reset"),
    "accounts.two_factor.use_recovery_code": pgettext_lazy("audit verb", "Recovery code used"),
    "accounts.user.create": pgettext_lazy("audit verb", "User created"),
    "accounts.user.set_roles": pgettext_lazy("audit verb", "User's roles set"),
    "accounts.user.sign_up": pgettext_lazy("audit verb", "User signed up"),
    "accounts.user.sso_login": pgettext_lazy("audit verb", "Signed in through single sign-on"),
    "accounts.user.update_profile": pgettext_lazy("audit verb", "Profile updated"),
    "accounts.user.verify_email": pgettext_lazy("audit verb", "Email address verified"),
    "allocations.allocation.create": pgettext_lazy("audit verb", "Allocation created"),
    "allocations.allocation.members": pgettext_lazy("audit verb", "Allocation members changed"),
    "allocations.allocation.release": pgettext_lazy("audit verb", "Allocation released"),
    "allocations.allocation.activate": pgettext_lazy("audit verb", "Allocation activated"),
    "allocations.allocation.close": pgettext_lazy("audit verb", "Allocation closed"),
    "allocations.allocation.suspend": pgettext_lazy("audit verb", "Allocation suspended"),
    "allocations.allocation.exhaust": pgettext_lazy("audit verb", "Allocation used up"),
    "allocations.allocation.expire": pgettext_lazy("audit verb", "Allocation expired"),
    "allocations.allocation.resume": pgettext_lazy("audit verb", "Allocation resumed"),
    "allocations.allocation.top_up": pgettext_lazy("audit verb", "Allocation topped up"),
    "allocations.allocation.extend": pgettext_lazy("audit verb", "Allocation extended"),
    "allocations.change.decide": pgettext_lazy("audit verb", "Change request decided"),
    "allocations.change.request": pgettext_lazy("audit verb", "Change requested"),
    "allocations.slurm.apply": pgettext_lazy("audit verb", "Applied to Slurm"),
    "allocations.credit.warn": pgettext_lazy("audit verb", "Credit warning sent"),
    "allocations.credit.stop": pgettext_lazy("audit verb", "Credit stopped"),
    "allocations.credit.reopen": pgettext_lazy("audit verb", "Credit reopened"),
    "allocations.credit.expire": pgettext_lazy("audit verb", "Credit expired"),
    "allocations.credit.carry_over": pgettext_lazy("audit verb", "Credit carried over"),
    "billing.commitment.reverse": pgettext_lazy("audit verb", "Commitment reversed"),
    "billing.entry.reverse": pgettext_lazy("audit verb", "Ledger entry reversed"),
    "billing.fund.sync": pgettext_lazy("audit verb", "Fund synchronised"),
    "billing.payment.record": pgettext_lazy("audit verb", "Payment recorded"),
    "billing.period.close": pgettext_lazy("audit verb", "Billing period closed"),
    "billing.receivable.remind": pgettext_lazy("audit verb", "Payment reminder sent"),
    "billing.recovery.open": pgettext_lazy("audit verb", "Recovery opened"),
    "billing.recovery.write_off_decide": pgettext_lazy("audit verb", "Write-off decided"),
    "billing.recovery.write_off_propose": pgettext_lazy("audit verb", "Write-off proposed"),
    "billing.usage.ingest": pgettext_lazy("audit verb", "Usage ingested"),
    "catalogue.exchange.save": pgettext_lazy("audit verb", "Exchange rate saved"),
    "catalogue.node.state": pgettext_lazy("audit verb", "Node state set"),
    "catalogue.ratecard.change": pgettext_lazy("audit verb", "Rate card changed"),
    "catalogue.ratecard.create": pgettext_lazy("audit verb", "Rate card created"),
    "catalogue.ratecard.premiums": pgettext_lazy("audit verb", "Partition premiums set"),
    "catalogue.ratecard.supersede": pgettext_lazy("audit verb", "Rate card superseded"),
    "cluster.job.submit": pgettext_lazy("audit verb", "Job submitted"),
    "grants.application.create": pgettext_lazy("audit verb", "Application created"),
    "grants.application.decide": pgettext_lazy("audit verb", "Application decided"),
    "grants.application.screen": pgettext_lazy("audit verb", "Application screened"),
    "grants.application.submit": pgettext_lazy("audit verb", "Application submitted"),
    "grants.application.update": pgettext_lazy("audit verb", "Application updated"),
    "grants.application.withdraw": pgettext_lazy("audit verb", "Application withdrawn"),
    "grants.award.approve": pgettext_lazy("audit verb", "Award approved"),
    "grants.award.cancel": pgettext_lazy("audit verb", "Award cancelled"),
    "grants.award.complete": pgettext_lazy("audit verb", "Award completed"),
    "grants.award.publish": pgettext_lazy("audit verb", "Award published"),
    "grants.award.waive_final_report": pgettext_lazy("audit verb", "Final report waived"),
    "grants.call.close": pgettext_lazy("audit verb", "Call closed"),
    "grants.call.create": pgettext_lazy("audit verb", "Call created"),
    "grants.call.criteria": pgettext_lazy("audit verb", "Call's criteria set"),
    "grants.call.open": pgettext_lazy("audit verb", "Call opened"),
    "grants.call.publish": pgettext_lazy("audit verb", "Call published"),
    "grants.document.delete": pgettext_lazy("audit verb", "Document deleted"),
    "grants.document.download": pgettext_lazy("audit verb", "Document downloaded"),
    "grants.document.replace": pgettext_lazy("audit verb", "Document replaced"),
    "grants.document.upload": pgettext_lazy("audit verb", "Document uploaded"),
    "grants.funding.check": pgettext_lazy("audit verb", "Other funding checked"),
    "grants.funding.declare": pgettext_lazy("audit verb", "Other funding declared"),
    "grants.kpi.agree": pgettext_lazy("audit verb", "KPIs agreed"),
    "grants.kpi.report": pgettext_lazy("audit verb", "KPIs reported"),
    "grants.output.add": pgettext_lazy("audit verb", "Output added"),
    "grants.output.update": pgettext_lazy("audit verb", "Output updated"),
    "grants.output.withdraw": pgettext_lazy("audit verb", "Output withdrawn"),
    "grants.related_group.save": pgettext_lazy("audit verb", "Related group saved"),
    "grants.report.accept": pgettext_lazy("audit verb", "Report accepted"),
    "grants.report.return": pgettext_lazy("audit verb", "Report returned"),
    "grants.report.submit": pgettext_lazy("audit verb", "Report submitted"),
    "grants.review.assign": pgettext_lazy("audit verb", "Reviewer assigned"),
    "grants.review.declare_conflict": pgettext_lazy("audit verb", "Conflict of interest declared"),
    "grants.review.record_conflict": pgettext_lazy("audit verb", "Conflict of interest recorded"),
    "grants.review.submit": pgettext_lazy("audit verb", "Review submitted"),
    "grants.scheme.create": pgettext_lazy("audit verb", "Scheme created"),
    "grants.scheme.update": pgettext_lazy("audit verb", "Scheme updated"),
    "grants.starter_programme.create": pgettext_lazy("audit verb", "Starter programme created"),
    "grants.survey.answer": pgettext_lazy("audit verb", "Follow-up survey answered"),
    "grants.survey.remind": pgettext_lazy("audit verb", "Follow-up survey reminder sent"),
    "grants.tranche.release": pgettext_lazy("audit verb", "Tranche released"),
    "grants.tranche.schedule": pgettext_lazy("audit verb", "Tranches scheduled"),
    "outbox.message.dead_letter": pgettext_lazy("audit verb", "Message given up"),
    "outbox.message.discard": pgettext_lazy("audit verb", "Message discarded"),
    "outbox.message.retry": pgettext_lazy("audit verb", "Message retried"),
}

# Object types written that are not models (`record(..., object_type=...)` without a row); every
# other type is a model's class name and reads as the model's verbose_name.
NOT_MODELS: dict[str, Promise] = {
    "Slurm": pgettext_lazy("audit object", "Slurm"),
    "UsageSource": pgettext_lazy("audit object", "Usage source"),
}

CURRENT_NAMES = {earlier: now for now, earlier in EARLIER_NAMES.items()}


def verb_label(verb: str) -> str:
    label = VERBS.get(CURRENT_NAMES.get(verb, verb))
    return verb if label is None else str(label)


@functools.cache
def models_by_name() -> dict[str, type[Model]]:
    return {m.__name__: m for m in apps.get_models() if m.__module__.startswith("aisc.")}


def object_label(object_type: str) -> str:
    model = models_by_name().get(object_type)
    if model is not None:
        return capfirst(str(model._meta.verbose_name))
    label = NOT_MODELS.get(object_type)
    return object_type if label is None else str(label)
