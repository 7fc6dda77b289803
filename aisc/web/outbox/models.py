"""Side effects (mail, Slurm sync) written in the same transaction as the change they follow."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.outbox.lifecycle import MessageState


class State(models.TextChoices):
    PENDING = MessageState.PENDING.value, _("pending")
    SENT = MessageState.SENT.value, _("sent")
    DEAD = MessageState.DEAD.value, _("dead letter")
    DISCARDED = MessageState.DISCARDED.value, _("discarded")


class OutboxMessage(models.Model):
    kind = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # A worker claims a message for a lease: committed before the handler runs, renewed by the
    # worker's heartbeat, and free again for another worker once a crashed one lets it lapse.
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outbox message")
        ordering: ClassVar[list[str]] = ["id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class TaskRun(models.Model):
    """When each periodic task of `aisc worker` is next due; shared by every worker process."""

    name = models.CharField(max_length=80, primary_key=True)
    due_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("task run")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """One row per `aisc worker` process: it beats while it lives and says when it stopped."""

    name = models.CharField(max_length=200, unique=True)  # host:pid:token, also its claim mark
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return self.name
