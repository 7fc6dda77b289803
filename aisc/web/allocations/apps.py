from django.apps import AppConfig


class AllocationsConfig(AppConfig):
    name = "aisc.web.allocations"
    label = "allocations"
    verbose_name = "Allocations and their Slurm enforcement"

    def ready(self) -> None:
        from aisc.web.allocations import cluster, credit, grants_link, rules, sync  # noqa: F401
        from aisc.web.catalogue import cluster_state
        from aisc.web.grants import events

        cluster_state.node_states.provide(self.label, cluster.node_states)
        events.award_approved.subscribe(self.label, grants_link.on_award_approved)
        events.tranche_released.subscribe(self.label, grants_link.on_tranche_released)
        events.award_cancelled.subscribe(self.label, grants_link.on_award_cancelled)
