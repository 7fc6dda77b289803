from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "aisc.web.billing"
    label = "billing"
    verbose_name = "Usage and billing"

    def ready(self) -> None:
        from aisc.web.billing import rules, wiring  # noqa: F401 - registers rules and receivers
