from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "aisc.web.backoffice"
    label = "backoffice"
    verbose_name = "Back office: the audit log and the outbox pages"

    def ready(self) -> None:
        from aisc.web.backoffice import outbox_actions, outbox_rules  # noqa: F401 - the rules
        from aisc.web.outbox import events

        events.message_dead_lettered.subscribe(self.label, outbox_actions.on_dead_lettered)
