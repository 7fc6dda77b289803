from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aisc.web.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.conf import settings

        from aisc.web import worker_tasks
        from aisc.web.audit import anchor

        worker_tasks.register(
            "audit.anchor", settings.AISC_AUDIT_ANCHOR_MINUTES * 60, anchor.write_periodic
        )
