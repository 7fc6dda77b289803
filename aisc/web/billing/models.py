"""Usage records, their charges per month, the append-only ledger, periods and statements.

Money is stored as whole cents in integer columns: SQLite keeps DECIMAL as floating point, and a
sum of floats is not a sum of cents. `aisc.web.billing.money` converts at the edges.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.web.accounts.models import Organisation
from aisc.web.billing.money import from_cents


class UsageRecord(models.Model):
    """One Slurm job, as last read; keyed by cluster + job id + submit time."""

    cluster = models.CharField(max_length=64)
    job_id = models.CharField(max_length=64)
    submit = models.DateTimeField()
    start = models.DateTimeField(null=True, blank=True)
    elapsed_seconds = models.BigIntegerField()
    # No index but the key's: each index is paid for on every one of a million inserted records,
    # and reads go by key (the ingest) or through the charges (everything else).
    account = models.CharField(max_length=64)
    user = models.CharField(max_length=64)
    partition = models.CharField(max_length=64)
    state = models.CharField(max_length=20)
    gpus = models.CharField(max_length=200, help_text="chip=count,… e.g. h800=8")
    final = models.BooleanField(default=False)
    source = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("usage record")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["cluster", "job_id", "submit"], name="one_job_record")
        ]

    def __str__(self) -> str:
        return f"{self.cluster}:{self.job_id}"


class UsageCharge(models.Model):
    """GPU-seconds of one record on one chip in one month: append-only.

    A charge is billed by the first period closed after it was written whose month is not before
    the charge's (see `aisc.web.billing.closing.billed`); nothing is written to the charge when that
    happens, so closing a month costs no write per row. A correction of the record adds delta
    rows (possibly negative) rather than changing or removing rows; deltas written after their
    month closed are billed by the next period closed, as late usage.
    """

    # No database constraint: PostgreSQL checks one with a trigger per inserted row, which
    # doubled the cost of writing a million charges. Integrity holds without it: a charge is
    # written in the transaction that writes its record, and the database refuses to delete
    # usage records (and to change or delete charges) — see migration 0006.
    record = models.ForeignKey(
        UsageRecord, on_delete=models.PROTECT, related_name="charges", db_constraint=False
    )
    project_code = models.CharField(max_length=64)
    chip = models.CharField(max_length=20)
    partition = models.CharField(max_length=64)
    month = models.CharField(max_length=7)  # YYYY-MM the usage happened in
    day = models.DateField()  # local day the usage in this month began: picks the rate card
    gpu_seconds = models.BigIntegerField()

    class Meta:
        verbose_name = _("usage charge")
        indexes: ClassVar[list[Any]] = [
            # Unbilled charges are those of a month above its watermark: (month, id) ranges.
            models.Index(fields=["month", "id"], name="charges_by_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project_code} {self.chip} {self.month}: {self.gpu_seconds} GPU-s"


class UsageTotal(models.Model):
    """GPU-seconds metered so far per project and chip, billed or not: the sum of the charges,
    kept in the transaction that writes them, so reading a project's use costs one row rather than
    a scan of its charges (and the charges need no per-project index, which a million-record
    ingest would pay for on every row)."""

    project_code = models.CharField(max_length=64)
    chip = models.CharField(max_length=20)
    gpu_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("usage total")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["project_code", "chip"], name="one_usage_total")
        ]

    def __str__(self) -> str:
        return f"{self.project_code} {self.chip}: {self.gpu_seconds} GPU-s"


class IngestCursor(models.Model):
    """How far a source has been read; written in the same transaction as each batch."""

    source = models.CharField(max_length=200, unique=True)
    position = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ingest cursor")

    def __str__(self) -> str:
        return f"{self.source} @ {self.position}"


class RejectedLine(models.Model):
    source = models.CharField(max_length=200, db_index=True)
    line_no = models.PositiveIntegerField()
    line = models.TextField()
    message = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rejected line")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["source", "line_no"], name="one_reject_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.line_no} {self.message}"


class LedgerEntry(models.Model):
    """Append-only (database triggers refuse UPDATE and DELETE); corrected by reversing entries."""

    key = models.CharField(max_length=200, unique=True)
    memo = models.CharField(max_length=300)
    at = models.DateTimeField()
    reverses = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("ledger entry")

    def __str__(self) -> str:
        return self.key


class LedgerPosting(models.Model):
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.CharField(max_length=200, db_index=True)
    amount_cents = models.BigIntegerField()  # debit > 0, credit < 0

    class Meta:
        verbose_name = _("ledger posting")

    def __str__(self) -> str:
        return f"{self.account} {self.amount_cents}"


class PeriodState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BillingPeriod(models.Model):
    month = models.CharField(max_length=7, unique=True)
    state = models.CharField(max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    # The highest UsageCharge id when the period closed: it billed every charge up to here of its
    # month or earlier that no earlier close had billed (aisc.web.billing.closing.billed).
    charges_through = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("billing period")
        ordering: ClassVar[list[str]] = ["month"]

    def __str__(self) -> str:
        return self.month


class Statement(models.Model):
    """Frozen when its period closes (triggers refuse UPDATE and DELETE)."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="statements")
    project_code = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    subsidised = models.BooleanField()
    list_cents = models.BigIntegerField()
    # partition and dedicated-node premiums: on top of the list amount, not subsidised, in due
    premium_cents = models.BigIntegerField(default=0)
    subsidy_cents = models.BigIntegerField()
    due_cents = models.BigIntegerField()
    gpu_seconds = models.BigIntegerField()
    cap_reached = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statement")
        ordering: ClassVar[list[str]] = ["period__month", "project_code"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["period", "project_code"], name="one_statement")
        ]

    def __str__(self) -> str:
        return f"{self.project_code} {self.period.month}"

    @property
    def list_amount(self) -> Decimal:
        return from_cents(self.list_cents)

    @property
    def premium(self) -> Decimal:
        return from_cents(self.premium_cents)

    @property
    def subsidy(self) -> Decimal:
        return from_cents(self.subsidy_cents)

    @property
    def due(self) -> Decimal:
        return from_cents(self.due_cents)


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField()
    chip = models.CharField(max_length=20)
    partition = models.CharField(max_length=64)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)  # the list price
    premium_price = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal(0))
    late = models.BooleanField(default=False)
    gpu_seconds = models.BigIntegerField()
    list_cents = models.BigIntegerField()
    premium_cents = models.BigIntegerField(default=0)
    subsidy_cents = models.BigIntegerField()
    due_cents = models.BigIntegerField()
    capped = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("statement line")
        ordering: ClassVar[list[str]] = ["statement", "seq"]

    def __str__(self) -> str:
        return f"{self.statement} #{self.seq}"


class AlertState(models.Model):
    """The highest alert level already sent per project and measure, so none is sent twice."""

    project_code = models.CharField(max_length=64)
    measure = models.CharField(max_length=20)  # "gpu_hours" or "subsidy_cap"
    level = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alert state")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["project_code", "measure"], name="one_alert_state")
        ]

    def __str__(self) -> str:
        return f"{self.project_code} {self.measure} {self.level}%"


class RecoveryStatus(models.TextChoices):
    INVOICED = "invoiced", _("Invoiced")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    WRITE_OFF_PROPOSED = "write_off_proposed", _("Write-off proposed")
    WRITTEN_OFF = "written_off", _("Written off")


class Recovery(models.Model):
    """Subsidy claimed back from an award, invoiced to its organisation (aisc.core.billing.recovery
    holds the lifecycle; aisc.web.billing.recoveries is the only writer)."""

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="recoveries")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="recoveries"
    )
    amount_cents = models.BigIntegerField()
    reason = models.TextField()
    status = models.CharField(
        max_length=20, choices=RecoveryStatus.choices, default=RecoveryStatus.INVOICED
    )
    issued_on = models.DateField()  # the invoice's date: its age counts from here
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    write_off_reason = models.TextField(blank=True)
    write_off_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    write_off_proposed_at = models.DateTimeField(null=True, blank=True)
    written_off_cents = models.BigIntegerField(default=0)
    written_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery")
        ordering: ClassVar[list[str]] = ["-opened_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"R{self.issued_on.year}-{self.pk:05d}"

    @property
    def amount(self) -> Decimal:
        return from_cents(self.amount_cents)

    @property
    def written_off(self) -> Decimal:
        return from_cents(self.written_off_cents)


class Payment(models.Model):
    """Money received against one statement or one recovery invoice; posted on the ledger in the
    same transaction, and never changed (triggers refuse UPDATE and DELETE, migration 0007)."""

    receivable = models.CharField(max_length=64)  # the ledger's receivable segment (org-N, …)
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    recovery = models.ForeignKey(
        Recovery, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    amount_cents = models.BigIntegerField()
    received_on = models.DateField()
    reference = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        ordering: ClassVar[list[str]] = ["received_on", "pk"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=models.Q(statement__isnull=False, recovery__isnull=True)
                | models.Q(statement__isnull=True, recovery__isnull=False),
                name="payment_of_one_document",
            ),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"payment {self.pk} of {self.amount}"

    @property
    def amount(self) -> Decimal:
        return from_cents(self.amount_cents)


class ReportMail(models.Model):
    """The month whose centre analytics report a staff member was sent, so none is sent twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics_reports"
    )
    month = models.CharField(max_length=7)  # YYYY-MM, the centre's local month
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report mail")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "month"], name="one_report_mail_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month}"
