"""Persistence of the subsidy scheme. Lifecycle rules live in aisc.core.grants; the do_* actions
in actions/ are the only writers of status fields. An award's outcomes (outcome_models), the
double-funding checks (funding_models) and the starter programme (starter_models) have their own
modules, imported at the end so that Django finds them and callers import every model from here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.allocations.credit import FULL_CARRY_OVER
from aisc.core.grants import obligations, overlap, workflow
from aisc.core.grants import rubric as rubric_rules
from aisc.core.grants import tranches as tranche_rules
from aisc.core.grants.caps import Cap
from aisc.core.grants.subsidy import SubsidyRules
from aisc.web.accounts.models import Organisation
from aisc.web.grants import choices as ch
from aisc.web.grants.fields import hours, money, rate

USER = settings.AUTH_USER_MODEL


def default_rubric() -> list[dict[str, Any]]:
    return [c.as_dict() for c in rubric_rules.DEFAULT_RUBRIC]


def default_checklist() -> list[dict[str, str]]:
    return [
        {
            "code": "eligible_type",
            "label_en": "Applicant type is eligible",
            "label_zh": "申請者類別符合資格",
        },
        {"code": "hk_registered", "label_en": "Registered in Hong Kong", "label_zh": "在香港註冊"},
        {
            "code": "financial_proof",
            "label_en": "Financial proof attached",
            "label_zh": "已附財務證明",
        },
        {
            "code": "no_double_funding",
            "label_en": "No double funding declared",
            "label_zh": "已聲明沒有重複資助",
        },
    ]


def default_eligible_kinds() -> list[str]:
    return ["university", "rd_institute", "startup", "enterprise"]


class Scheme(models.Model):
    code = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    fund = money(_("fund (HK$)"))
    default_rate = rate(_("default subsidy rate"), default=Decimal("0.70"))
    max_rate = rate(_("maximum subsidy rate"), default=Decimal("0.70"))
    exceptional_max_rate = rate(_("exceptional maximum subsidy rate"), default=Decimal("0.90"))
    eligible_kinds = models.JSONField(_("eligible applicant types"), default=default_eligible_kinds)
    final_report_days = models.PositiveIntegerField(
        _("final report due (days after an award ends)"),
        default=obligations.DEFAULT_FINAL_REPORT_DAYS,
    )
    # Cumulative caps across the scheme's calls (empty: no cap), checked at each decision.
    org_cap_subsidy = money(_("cap of subsidy per organisation (HK$)"), null=True, blank=True)
    org_cap_gpu_hours = hours(_("cap of GPU-hours per organisation"), null=True, blank=True)
    group_cap_subsidy = money(
        _("cap of subsidy per group of related organisations (HK$)"), null=True, blank=True
    )
    group_cap_gpu_hours = hours(
        _("cap of GPU-hours per group of related organisations"), null=True, blank=True
    )
    # Screening flags earlier awards at least this similar (aisc.core.grants.overlap).
    overlap_threshold = rate(
        _("similarity that flags a likely overlap (0-1)"), default=overlap.DEFAULT_THRESHOLD
    )
    # A grantee's chip exchange of at most this many GPU-hours is approved on the spot; a larger
    # one waits for the secretariat (empty: every exchange waits).
    exchange_auto_gpu_hours = hours(
        _("chip exchanges approved automatically up to (GPU-hours)"),
        null=True,
        blank=True,
        default=Decimal(100),
    )
    # At a tranche's release, this share of the earlier tranches' unused hours goes on; the rest
    # is written off at once (aisc.core.allocations.credit.carry_over_at_release). 100: all go
    # on, and what is left unused expires at the award's end.
    carry_over_percent = models.DecimalField(
        _("carry-over of unused GPU-hours into the next tranche (%)"),
        max_digits=5,
        decimal_places=2,
        default=FULL_CARRY_OVER,
    )

    class Meta:
        verbose_name = _("scheme")

    def __str__(self) -> str:
        return self.name_en

    def rules(self) -> SubsidyRules:
        return SubsidyRules(self.default_rate, self.max_rate, self.exceptional_max_rate)

    def org_cap(self) -> Cap:
        return Cap(self.org_cap_subsidy, self.org_cap_gpu_hours)

    def group_cap(self) -> Cap:
        return Cap(self.group_cap_subsidy, self.group_cap_gpu_hours)


class RelatedGroup(models.Model):
    """Organisations a scheme's caps treat as one (a company and its subsidiaries, a university
    and its spin-offs); kept by the secretariat."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisations = models.ManyToManyField(Organisation, related_name="related_groups")

    class Meta:
        verbose_name = _("related group")

    def __str__(self) -> str:
        return self.name


class Call(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="calls")
    code = models.SlugField(
        _("code"), unique=True, help_text=_("e.g. c2026a; the Slurm parent account")
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=ch.CALL_STATUS, default=workflow.CallStatus.DRAFT
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    period_start = models.DateField(_("consumption period starts"))
    period_end = models.DateField(_("consumption period ends"))
    budget = money(_("budget (HK$)"))
    rubric = models.JSONField(default=default_rubric)
    checklist = models.JSONField(default=default_checklist)
    required_documents = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True, blank=True)
    final_report_days = models.PositiveIntegerField(
        _("final report due (days after an award ends)"),
        null=True,
        blank=True,
        help_text=_("empty: the scheme's delay"),
    )

    class Meta:
        verbose_name = _("call")
        ordering: ClassVar[list[str]] = ["-opens_on"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title_en}"

    def criteria(self) -> tuple[rubric_rules.Criterion, ...]:
        return rubric_rules.parse_rubric(self.rubric)

    def checklist_codes(self) -> list[str]:
        return [str(item["code"]) for item in self.checklist]

    def report_days(self) -> int:
        """The call's own delay for final reports, else its scheme's."""
        days = self.final_report_days
        return self.scheme.final_report_days if days is None else days


class Application(models.Model):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ch.APPLICATION_STATUS, default=workflow.ApplicationStatus.DRAFT
    )
    # Project
    title = models.CharField(_("project title"), max_length=200)
    title_zh = models.CharField(_("project title (Chinese)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # The only prose of an application that is ever public: the impact page shows it once the
    # award is published, so the form says so beside the fields.
    lay_summary = models.TextField(
        _("lay summary (public if funded)"),
        blank=True,
        help_text=_("Two or three sentences for the public; shown on the impact page."),
    )
    lay_summary_zh = models.TextField(_("lay summary in Chinese (public if funded)"), blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=ch.Category.choices, blank=True
    )
    # Model details
    model_type = models.CharField(
        _("model type"), max_length=20, choices=ch.ModelType.choices, blank=True
    )
    parameters = models.FloatField(_("parameters"), null=True, blank=True)
    active_parameters = models.FloatField(_("active parameters (MoE)"), null=True, blank=True)
    training_tokens = models.FloatField(_("training tokens"), null=True, blank=True)
    epochs = models.FloatField(_("epochs"), null=True, blank=True)
    seq_len = models.PositiveIntegerField(_("sequence length"), null=True, blank=True)
    precision = models.CharField(_("precision"), max_length=8, choices=ch.PRECISION, blank=True)
    workload = models.CharField(
        _("workload"), max_length=20, choices=ch.Workload.choices, blank=True
    )
    tokens_served = models.FloatField(_("tokens served (inference)"), null=True, blank=True)
    # Requested compute
    chip = models.CharField(_("chip type"), max_length=20, choices=ch.CHIP, blank=True)
    gpus = models.PositiveIntegerField(_("number of GPUs"), null=True, blank=True)
    months = models.PositiveIntegerField(_("months"), null=True, blank=True)
    preferred_start = models.DateField(_("preferred start"), null=True, blank=True)
    # Plan and people
    work_plan = models.TextField(_("work plan with milestones"), blank=True)
    team = models.TextField(_("team"), blank=True)
    track_record = models.TextField(_("track record"), blank=True)
    # Declarations
    no_double_funding = models.BooleanField(
        _("I declare no other public funding covers the same scope"), default=False
    )
    other_public_funding = models.TextField(_("other public funding received"), blank=True)
    ethics_assessment = models.TextField(_("ethics and model-risk self-assessment"), blank=True)
    societal_benefit = models.TextField(_("expected benefit to society"), blank=True)
    # Screening
    screening = models.JSONField(default=dict, blank=True)
    screening_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> workflow.ApplicationStatus:
        return workflow.ApplicationStatus(self.status)


class Document(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=ch.DocumentKind.choices)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="grant_reviews")
    status = models.CharField(
        max_length=20, choices=ch.REVIEW_STATUS, default=workflow.ReviewStatus.ASSIGNED
    )
    scores = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    conflict_reason = models.TextField(blank=True)
    # Who declared the conflict (the reviewer, or the secretariat recording one others found) and
    # when: a conflict declared after the newest assignment puts the application back on the
    # secretariat's queue. Empty on conflicts declared before these were kept.
    conflict_declared_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    conflict_declared_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_each")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.application}"


class Decision(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20)
    # Empty for a starter grant, which the system decides (aisc.core.grants.starter).
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True)
    decided_at = models.DateTimeField(default=timezone.now)
    members_present: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, related_name="+"
    )
    conflicts_declared = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = _("decision")

    def __str__(self) -> str:
        return f"{self.outcome}: {self.application}"


class Award(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="awards")
    project_code = models.SlugField(unique=True)
    chip = models.CharField(max_length=20, choices=ch.CHIP)
    gpus = models.PositiveIntegerField()
    months = models.PositiveIntegerField()
    gpu_hours = hours()
    start_date = models.DateField()
    end_date = models.DateField()
    list_price = money(_("list price at approval (HK$/GPU-hour)"))
    subsidy_rate = rate()
    subsidy_cap = money()
    committed_amount = money()
    exceptional_reason = models.TextField(blank=True)
    # The committee's reason for going over a scheme cap (the exceptional rule), if it did.
    cap_exception_reason = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    dedicated = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=ch.AWARD_STATUS, default=workflow.AwardStatus.APPROVED
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The secretariat's waiver of the final report (set only by do_waive_final_report).
    final_report_waived_reason = models.TextField(blank=True)
    final_report_waived_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    final_report_waived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("award")
        ordering: ClassVar[list[str]] = ["project_code"]

    def __str__(self) -> str:
        return self.project_code


class AwardTranche(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    seq = models.PositiveSmallIntegerField()
    fraction = models.DecimalField(max_digits=5, decimal_places=4)
    gpu_hours = hours()
    condition = models.CharField(max_length=200, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # Set when a release came before the award's start date: it waits, and the worker's
    # grants.release_due_tranches releases it on this day (aisc.core.grants.tranches.waits_until).
    release_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("tranche")
        ordering: ClassVar[list[str]] = ["award", "seq"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["award", "seq"], name="one_tranche_per_seq")
        ]

    def __str__(self) -> str:
        return f"{self.award} #{self.seq}"

    @property
    def condition_label(self) -> str:
        """The condition in the reader's language: the plan's own are stored in English."""
        return str(CONDITIONS.get(self.condition, self.condition))


CONDITIONS = {
    tranche_rules.AT_START: _("at start"),
    tranche_rules.AFTER_REPORT: _("after an accepted progress report"),
}


class Report(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ch.ReportKind.choices)
    text = models.TextField(_("report"))
    status = models.CharField(
        max_length=20, choices=ch.REPORT_STATUS, default=workflow.ReportStatus.SUBMITTED
    )
    message = models.TextField(blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.award}"


from aisc.web.grants.funding_models import FundingCheck as FundingCheck  # noqa: E402
from aisc.web.grants.funding_models import FundingDeclaration as FundingDeclaration  # noqa: E402
from aisc.web.grants.funding_models import OverlapDecision as OverlapDecision  # noqa: E402
from aisc.web.grants.outcome_models import FollowUpSurvey as FollowUpSurvey  # noqa: E402
from aisc.web.grants.outcome_models import Kpi as Kpi  # noqa: E402
from aisc.web.grants.outcome_models import KpiValue as KpiValue  # noqa: E402
from aisc.web.grants.outcome_models import Output as Output  # noqa: E402
from aisc.web.grants.public_models import GranteeListVersion as GranteeListVersion  # noqa: E402
from aisc.web.grants.starter_models import StarterProgramme as StarterProgramme  # noqa: E402
