from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "aisc.web.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from aisc.web import worker_tasks
        from aisc.web.notify import mailing

        worker_tasks.register(
            mailing.DIGEST_TASK, mailing.DIGEST_EVERY_SECONDS, mailing.send_digests
        )
