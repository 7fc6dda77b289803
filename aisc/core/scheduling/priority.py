"""Slurm's multifactor job priority (doc/html/priority_multifactor.shtml, SchedMD/slurm):

    priority = W_age * age + W_fairshare * fairshare + W_jobsize * jobsize + W_qos * qos

each factor in [0, 1] (partition, association, TRES and nice terms are zero here):
- age = min(time waiting / PriorityMaxAge, 1);
- fairshare = 2^(-U/S), the classic formula (PriorityFlags=NO_FAIR_TREE): U the project's
  share of all decayed usage (PriorityDecayHalfLife), S its share of all allocation shares;
  a project with no share gets 0; or, with `fair_tree` (Slurm's default), the project's rank
  by Fair Tree (`aisc.core.scheduling.fairtree`) over the number of projects;
- jobsize = GPUs asked / GPUs in the cluster (PriorityFavorSmall=NO, Slurm's default);
- qos = the QOS's priority / the largest QOS priority;
- partition = the PriorityJobFactor of the job's partition / the largest one.
With `whole` set, priorities are cut to whole numbers, as Slurm stores them (a uint32), so jobs
whose factors differ by less than one unit tie and go in submission order.
Source of the defaults: docs/facts/scheduling-anchors.md §1.10.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from aisc.core.scheduling.fairtree import Association, fair_tree
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import PolicyOptions


class PriorityCalculator:
    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        self.options = options
        self.total_gpus = cluster.gpus
        self.shares = dict(cluster.shares)
        top = max(options.qos_priority.values(), default=0.0)
        self.qos_factor = {
            q: (p / top if top > 0 else 0.0) for q, p in options.qos_priority.items()
        }
        tier = max(options.partition_factor.values(), default=0.0)
        self.partition_factor = {
            name: (f / tier if tier > 0 else 0.0) for name, f in options.partition_factor.items()
        }
        self.whole = False

    def fairshare(self, usage: dict[str, float], projects: Iterable[str]) -> dict[str, float]:
        """2^(-U/S) per project; U and S normalised over every project known so far. With
        `fair_tree`, Slurm's Fair Tree instead, each project one association under the root."""
        known = set(usage) | set(projects)
        shares = self.shares or dict.fromkeys(known, 1.0)
        if self.options.fair_tree:
            leaves = tuple(
                Association(p, shares.get(p, 0.0), usage.get(p, 0.0)) for p in sorted(known)
            )
            return fair_tree(Association("root", usage=sum(usage.values()), children=leaves))
        share_total = sum(shares.values())
        usage_total = sum(usage.values())
        factors = {}
        for project in known:
            share = shares.get(project, 0.0) / share_total
            used = usage.get(project, 0.0) / usage_total if usage_total > 0 else 0.0
            factors[project] = 2.0 ** (-used / share) if share > 0 else 0.0
        return factors

    def static_part(self, job: Job) -> float:
        """The terms that do not change while a job waits: job size, QOS and partition."""
        o = self.options
        size = o.weight_jobsize * job.gpus / self.total_gpus
        part = 0.0
        if o.weight_partition and job.groups:
            part = o.weight_partition * self.partition_factor.get(job.groups[0].spec.partition, 0.0)
        return size + o.weight_qos * self.qos_factor.get(job.qos, 0.0) + part

    def priorities(
        self,
        submit: npt.NDArray[np.float64],
        static: npt.NDArray[np.float64],
        fairshare: npt.NDArray[np.float64],
        now: float,
    ) -> npt.NDArray[np.float64]:
        """`priority` over columns of jobs (submission time, `static_part`, the fair-share factor
        of each job's project): the same operations in the same order, so the same values."""
        o = self.options
        priority = (
            o.weight_age * np.minimum((now - submit) / o.max_age_s, 1.0)
            + o.weight_fairshare * fairshare
            + static
        )
        return np.floor(priority) if self.whole else priority

    def priority(
        self, job: Job, now: float, fairshare: dict[str, float], static: float | None = None
    ) -> float:
        """The same formula for one job, without numpy's per-call cost; `static` is the job's
        `static_part` where the caller has it already."""
        o = self.options
        if static is None:
            static = self.static_part(job)
        value = (
            o.weight_age * min((now - job.submit) / o.max_age_s, 1.0)
            + o.weight_fairshare * fairshare.get(job.project, 0.0)
            + static
        )
        return float(math.floor(value)) if self.whole else value
