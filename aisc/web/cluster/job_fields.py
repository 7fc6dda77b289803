"""A job submission's fields, in one table: the name the action, the model and the audit row
give each, the `aisc cluster submit` option that sets it (and the unit that option is given
in), and the sbatch option of Slurm it stands for. The CLI's options, their help, the refusals
it names by option and the audit row of a submission all read it; nothing else spells the
mapping out (it was kept in the CLI for four of the six fields, so a refusal of the chip or the
GPUs named the action's field instead of the option)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class JobField:
    name: str  # the action's keyword, the model's field, the audit row's key
    option: str  # `aisc cluster submit`'s option
    sbatch: str  # what sbatch calls it; "" where it has none (the run time is the job's own)
    per_unit: int = 1  # the field's units per unit of the option: 3600 where it is in hours

    def of_option(self, value: float) -> int:
        """The field's value for the option's (hours to seconds)."""
        return round(value * self.per_unit)


FIELDS = (
    JobField("account", "--account", "--account"),
    JobField("user", "--user", "--uid"),
    JobField("gpus", "--gpus", "--gpus"),
    JobField("chip", "--chip", "--gres=gpu:TYPE"),
    JobField("work_s", "--hours", "", per_unit=3600),
    JobField("time_limit_s", "--limit-hours", "--time", per_unit=3600),
)
BY_NAME = {f.name: f for f in FIELDS}
