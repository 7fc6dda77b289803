from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "aisc.web.portal"
    label = "portal"
    verbose_name = "Portal"
