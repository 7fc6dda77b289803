from django.apps import AppConfig


class AllocationsConfig(AppConfig):
    name = "aisc.web.allocations"
    label = "allocations"
    verbose_name = "Allocations and their Slurm enforcement"

    def ready(self) -> None:
        from aisc.web.allocations import grants_link, rules, sync  # noqa: F401 - registers them
        from aisc.web.grants import events

        events.award_approved.subscribe(self.label, grants_link.on_award_approved)
        events.tranche_released.subscribe(self.label, grants_link.on_tranche_released)
        events.award_cancelled.subscribe(self.label, grants_link.on_award_cancelled)
