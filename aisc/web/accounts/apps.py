from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aisc.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.conf import settings

        from aisc.web import worker_tasks
        from aisc.web.accounts import anchor_mail, receivers  # noqa: F401 - registers them

        worker_tasks.register(
            "audit.anchor_mail",
            settings.AISC_AUDIT_ANCHOR_MAIL_MINUTES * 60,
            anchor_mail.mail_to_auditors,
        )
