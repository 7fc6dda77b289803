from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "aisc.web.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from aisc.web.ops import checks  # noqa: F401 - registers the deployment checks
