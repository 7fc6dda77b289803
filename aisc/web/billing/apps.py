from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "aisc.web.billing"
    label = "billing"
    verbose_name = "Usage and billing"

    def ready(self) -> None:
        from django.conf import settings

        from aisc.web import worker_tasks
        from aisc.web.billing import rules, wiring  # noqa: F401 - rules and receivers
        from aisc.web.billing.ingest import periodic

        worker_tasks.register(
            periodic.TASK, settings.AISC_USAGE_INGEST_MINUTES * 60, periodic.ingest_due
        )
