from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "aisc.web.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from aisc.web.portal import bounds  # noqa: F401 - connects the guard of every save
