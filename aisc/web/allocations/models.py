"""Allocations: GPU-hour budgets per chip with dates, members, change requests, sync state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.allocations.budget import BudgetLine
from aisc.core.allocations.lifecycle import CreditStage, RequestStatus, Status

USER = settings.AUTH_USER_MODEL


def hours(verbose: Any = None, **kw: Any) -> Any:
    return models.DecimalField(verbose, max_digits=14, decimal_places=2, **kw)


class SyncStatus(models.TextChoices):
    NEVER = "never", _("Not yet applied")
    IN_SYNC = "in_sync", _("In sync")
    DRIFT = "drift", _("Differs from Slurm")
    ERROR = "error", _("Error")


class Allocation(models.Model):
    """Keyed by project_code, which is also the Slurm account and the billing project."""

    STATUS_CHOICES: ClassVar[list[tuple[str, Any]]] = [
        (Status.PENDING.value, _("Pending")),
        (Status.ACTIVE.value, _("Active")),
        (Status.SUSPENDED.value, _("Suspended")),
        (Status.EXHAUSTED.value, _("Exhausted")),
        (Status.EXPIRED.value, _("Expired")),
        (Status.CLOSED.value, _("Closed")),
    ]

    project_code = models.SlugField(_("project code"), unique=True, max_length=40)
    award = models.OneToOneField(
        "grants.Award",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation",
        help_text=_("Empty for a commercial tenant, who is charged in full."),
    )
    # Billing takes the subsidy terms from the award; this chooses the Slurm QOS.
    subsidised = models.BooleanField(_("subsidised"), default=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="allocations"
    )
    parent_account = models.SlugField(
        _("parent Slurm account"), max_length=40, help_text=_("The call's code, or 'commercial'.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=STATUS_CHOICES, default=Status.PENDING.value
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    dedicated_nodes = models.JSONField(_("dedicated nodes"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sync_status = models.CharField(
        _("Slurm sync"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.NEVER
    )
    synced_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    sync_message = models.TextField(_("sync detail"), blank=True)
    # Where the released budget stands (aisc.core.allocations.lifecycle.CREDIT_TRANSITIONS);
    # moved only by allocations.credit.
    credit_stage = models.CharField(
        _("budget stage"),
        max_length=10,
        choices=[
            (CreditStage.OPEN.value, _("Open")),
            (CreditStage.WARNED.value, _("Warned")),
            (CreditStage.STOPPED.value, _("Stopped: no new jobs")),
            (CreditStage.EXPIRED.value, _("Expired")),
        ],
        default=CreditStage.OPEN.value,
    )

    class Meta:
        verbose_name = _("allocation")
        ordering: ClassVar[list[str]] = ["project_code"]

    def __str__(self) -> str:
        return self.project_code

    def budget_lines(self) -> list[BudgetLine]:
        return [line.as_core() for line in self.lines.all()]

    @property
    def gpu_hours(self) -> Decimal:
        """Released GPU-hours over all chips (billing's alert threshold for a tenant)."""
        return sum((line.gpu_hours for line in self.lines.filter(released=True)), Decimal(0))


class AllocationLine(models.Model):
    """GPU-hours on one chip: a tranche (spendable once released), a top-up, or one side of a
    chip exchange (negative on the chip it takes from)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    chip = models.CharField(_("chip"), max_length=20)
    gpu_hours = hours(_("GPU-hours"))
    released = models.BooleanField(_("released"), default=False)
    source = models.CharField(_("source"), max_length=60)
    tranche_seq = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("allocation line")
        ordering: ClassVar[list[str]] = ["allocation", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["allocation", "tranche_seq"], name="one_line_per_tranche"
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation} {self.source}: {self.gpu_hours} {self.chip}"

    def as_core(self) -> BudgetLine:
        return BudgetLine(self.chip, self.gpu_hours, self.released, self.source)


class AllocationMember(models.Model):
    """A person who may run jobs under the project's account, by their Unix user name."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.SlugField(_("cluster user name"), max_length=32)

    class Meta:
        verbose_name = _("allocation member")
        ordering: ClassVar[list[str]] = ["allocation", "username"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["allocation", "username"], name="one_member_name")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.allocation}"


class RequestKind(models.TextChoices):
    TOP_UP = "top_up", _("Top-up")
    EXTENSION = "extension", _("Extension")
    EXCHANGE = "exchange", _("Chip exchange")


class ChangeRequest(models.Model):
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    chip = models.CharField(_("chip"), max_length=20, blank=True)
    to_chip = models.CharField(_("to chip"), max_length=20, blank=True)
    gpu_hours = hours(_("GPU-hours"), null=True, blank=True)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[(s.value, s.value) for s in RequestStatus],
        default=RequestStatus.PENDING.value,
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("change request")
        ordering: ClassVar[list[str]] = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.allocation}"


class CreditKind(models.TextChoices):
    WARN = "warn", _("Warned")
    STOP = "stop", _("Stopped: no new jobs")
    REOPEN = "reopen", _("Reopened by more GPU-hours")
    EXPIRE = "expire", _("Expired: unused GPU-hours written off")
    CARRY_OVER = "carry_over", _("Carried over at a tranche release")


class CreditEvent(models.Model):
    """One step of an allocation's credit lifecycle, or a tranche release's carry-over: the
    budget and use it was taken on, and the hours that expired (written off on the ledger)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="credit")
    kind = models.CharField(_("step"), max_length=12, choices=CreditKind.choices)
    released = hours(_("released GPU-hours"))
    used = hours(_("used GPU-hours"))
    expired = hours(_("GPU-hours expired"), default=Decimal(0))
    carried = hours(_("GPU-hours carried over"), default=Decimal(0))
    percent = models.DecimalField(
        _("carry-over (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    tranche_seq = models.PositiveSmallIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credit event")
        ordering: ClassVar[list[str]] = ["allocation", "at", "id"]
        constraints: ClassVar[list[Any]] = [
            # The award's end expires its hours once, and a tranche carries over once.
            models.UniqueConstraint(
                fields=["allocation"],
                condition=models.Q(kind="expire"),
                name="one_credit_expiry",
            ),
            models.UniqueConstraint(
                fields=["allocation", "tranche_seq"],
                condition=models.Q(kind="carry_over"),
                name="one_carry_over_per_tranche",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} {self.kind}"


class CapacityPolicy(models.Model):
    """The operators' overbooking factor, in force from a day until the next row."""

    valid_from = models.DateField(_("in force from"), unique=True)
    overbooking = models.DecimalField(
        _("overbooking factor"), max_digits=5, decimal_places=2, default=Decimal("1.00")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("capacity policy")
        ordering: ClassVar[list[str]] = ["-valid_from"]

    def __str__(self) -> str:
        return f"x{self.overbooking} from {self.valid_from}"
