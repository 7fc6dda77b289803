from django.apps import AppConfig


class ClusterConfig(AppConfig):
    name = "aisc.web.cluster"
    label = "cluster"
    verbose_name = "The embedded cluster"

    def ready(self) -> None:
        from aisc.web.cluster import rules, tasks  # noqa: F401 - registers rules and the task
