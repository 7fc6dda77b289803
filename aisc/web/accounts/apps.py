from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aisc.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
