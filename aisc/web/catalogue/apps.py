from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "aisc.web.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue: chips, clusters, rate cards"

    def ready(self) -> None:
        from aisc.web.catalogue import rules  # noqa: F401 - registers the app's authz rules
