from django.apps import AppConfig


class AllocationsConfig(AppConfig):
    name = "aisc.web.allocations"
    label = "allocations"
    verbose_name = "Allocations and their Slurm enforcement"

    def ready(self) -> None:
        from aisc.web.allocations import receivers, rules, sync  # noqa: F401 - registers them
