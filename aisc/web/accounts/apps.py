from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aisc.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from aisc.web.accounts import receivers  # noqa: F401 - registers them
