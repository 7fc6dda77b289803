from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "aisc.web.grants"
    label = "grants"
    verbose_name = "Grants (AI Subsidy Scheme)"

    def ready(self) -> None:
        # Rules and outbox handlers register themselves on import.
        from aisc.web.grants import notifications, rules  # noqa: F401
