"""Side effects (mail, Slurm sync) written in the same transaction as the change they follow."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    kind = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class TaskRun(models.Model):
    """When each periodic task of `aisc worker` is next due; shared by every worker process."""

    name = models.CharField(max_length=80, primary_key=True)
    due_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
