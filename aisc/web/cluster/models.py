"""The embedded cluster's persisted state: its clock, every job submitted to it, and the
simulator as the last advance left it (`ClusterCheckpoint`, so the next advance carries on from
there; aisc.web.cluster.checkpoint says when a checkpoint may be used and when an advance
replays every job from the epoch instead, which gives the same result: the replay is
deterministic). A job that has ended (COMPLETED/TIMEOUT) is final: its row is never rewritten,
because metering has read it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from aisc.web.cluster import reasons


class ClusterClock(models.Model):
    """One row: when the cluster's time began, how far it has run, and its policy."""

    # Always True and unique: the database itself refuses a second clock row, so two processes
    # starting on an empty database (the worker and a web request) cannot each create one.
    singleton = models.BooleanField(default=True, editable=False)
    epoch = models.DateTimeField(_("epoch"))
    advanced_to = models.DateTimeField(_("advanced to"))
    policy = models.CharField(_("policy"), max_length=20, default="backfill")
    # project -> when the cluster first saw its allocation stopped (suspended, expired, closed):
    # no job of it starts after that instant, in this replay or any later one.
    stops = models.JSONField(_("stopped since"), default=dict, blank=True)
    # The advance lease (aisc.web.cluster.lease): one advance at a time, across processes.
    lease_token = models.CharField(_("advance lease"), max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(_("advance lease ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("cluster clock")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["singleton"], name="cluster_clock_one_row"),
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="cluster_clock_singleton_true"
            ),
        ]

    def __str__(self) -> str:
        return f"embedded cluster at {self.advanced_to:%Y-%m-%d %H:%M} ({self.policy})"


class ClusterCheckpoint(models.Model):
    """The simulator as the last advance left it, so the next one carries on from there
    (aisc.web.cluster.checkpoint) instead of replaying every job from the epoch."""

    clock = models.OneToOneField(ClusterClock, on_delete=models.CASCADE, related_name="checkpoint")
    at = models.DateTimeField(_("at"))  # the clock's advanced_to when it was taken
    key = models.CharField(_("inputs"), max_length=64)  # digest of layout, limits, policy, epoch
    submitted = models.PositiveIntegerField(_("jobs submitted by then"))
    last_job = models.BigIntegerField(_("highest job id submitted by then"), default=0)
    state = models.BinaryField(_("simulator state"))  # EmbeddedCluster.snapshot()
    seal = models.CharField(_("seal"), max_length=64)  # HMAC of `state` with the SECRET_KEY
    rows = models.JSONField(_("live jobs"), default=dict)  # simulator job id -> row id
    refused = models.JSONField(_("refused jobs"), default=list)  # row ids it could never run

    class Meta:
        verbose_name = _("cluster checkpoint")

    def __str__(self) -> str:
        return f"embedded cluster checkpoint at {self.at:%Y-%m-%d %H:%M}"


class JobState(models.TextChoices):
    FUTURE = "", _("Not yet submitted")
    PENDING = "PENDING", _("Pending")
    RUNNING = "RUNNING", _("Running")
    COMPLETED = "COMPLETED", _("Completed")
    TIMEOUT = "TIMEOUT", _("Timed out")


FINAL = (JobState.COMPLETED, JobState.TIMEOUT)


class EmbeddedJob(models.Model):
    """One job; its id is its Slurm job id. `work_s` is how long it runs on its chip."""

    account = models.SlugField(_("account"), max_length=40)
    user = models.SlugField(_("user"), max_length=32)
    chip = models.CharField(_("chip"), max_length=20)
    gpus = models.PositiveIntegerField(_("GPUs"))
    work_s = models.PositiveIntegerField(_("run time (s)"))
    time_limit_s = models.PositiveIntegerField(_("time limit (s)"))
    submit_at = models.DateTimeField(_("submitted"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, blank=True, default=""
    )
    reason = models.CharField(_("pending reason"), max_length=40, blank=True)
    partition = models.CharField(_("partition"), max_length=40, blank=True)
    dedicated = models.BooleanField(_("on dedicated nodes"), default=False)
    start_at = models.DateTimeField(_("started"), null=True, blank=True)
    end_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.account}, {self.gpus} x {self.chip})"

    @property
    def final(self) -> bool:
        return self.state in FINAL

    @property
    def reason_label(self) -> str:
        """Why it waits, in the reader's language; `reason` stays as Slurm writes it."""
        return reasons.label(self.reason)
