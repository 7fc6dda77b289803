from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aisc.web.audit"
    label = "audit"
    verbose_name = "Audit log"
