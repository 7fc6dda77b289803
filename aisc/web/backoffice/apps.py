from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "aisc.web.backoffice"
    label = "backoffice"
    verbose_name = "Back office: the audit log and the outbox pages"

    def ready(self) -> None:
        from aisc.web.backoffice import outbox_rules  # noqa: F401 - registers the rules
