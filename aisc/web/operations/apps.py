from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "aisc.web.operations"
    label = "operations"
    verbose_name = "Operations pages (audit log, outbox)"

    def ready(self) -> None:
        from aisc.web.operations import outbox_rules  # noqa: F401 - registers the rules
