from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "aisc.web.outbox"
    label = "outbox"
    verbose_name = "Outbox and worker"
