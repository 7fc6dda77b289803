from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "aisc.web.outbox"
    label = "outbox"
    verbose_name = "Outbox and worker"

    def ready(self) -> None:
        from aisc.web.outbox import rules  # noqa: F401 - registers the rules
