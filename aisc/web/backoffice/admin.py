"""The outbox in Django's admin, read-only like every model admin (aisc.web.audit.admin); here
rather than in the outbox app, which sits below audit."""

from django.contrib import admin

from aisc.web.audit.admin import ReadOnlyAdmin
from aisc.web.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "created_at", "attempts", "sent_at", "last_error")
    list_filter = ("kind",)
