from django.apps import AppConfig


class ClusterConfig(AppConfig):
    name = "aisc.web.cluster"
    label = "cluster"
    verbose_name = "The embedded cluster"

    def ready(self) -> None:
        from aisc.web.allocations import cluster
        from aisc.web.cluster import (
            node_use,
            rules,  # noqa: F401 - registers the rules
        )

        cluster.gpus_in_use.provide(self.label, node_use.gpus_in_use)
