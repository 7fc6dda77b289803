"""Django's admin writes nothing the audit trail does not see.

Every model admin is read-only (`ReadOnlyAdmin`): changes go through the portal, the API or the
CLI, whose do_* actions check the business rules and write the audit row. The only admins that
save (rate cards and exchange rates) route their save through the do_* action and never delete.
tests/web/audit/test_no_unaudited_writes.py walks every registered admin to hold this.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aisc.web.audit.models import AuditEvent


class ReadOnly:
    """Refuses every add, change and delete; comes first among the bases of a model admin or
    an inline (Django asks an inline about `obj` too, hence the optional argument)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin[Any]):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline[Any, Any]):
    extra = 0


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_label", "verb", "object_type", "object_id")
    list_filter = ("verb", "object_type")
    search_fields = ("actor_label", "object_id", "request_id", "client_request_id")
