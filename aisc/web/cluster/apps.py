from django.apps import AppConfig


class ClusterConfig(AppConfig):
    name = "aisc.web.cluster"
    label = "cluster"
    verbose_name = "The embedded cluster"

    def ready(self) -> None:
        from aisc.web.cluster import rules  # noqa: F401 - registers the rules
