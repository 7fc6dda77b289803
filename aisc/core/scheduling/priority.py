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
from array import array
from collections.abc import Iterable, Sequence

import numpy as np

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

    def order(
        self, jobs: Sequence[Job], table: JobTable, now: float, fairshare: dict[str, float]
    ) -> tuple[list[int], list[float]]:
        """Queue positions in priority order (ties: older, then lower id) and each priority."""
        o = self.options
        ids = np.fromiter((j.id for j in jobs), np.int64, len(jobs))
        submit = np.frombuffer(table.submit, dtype=np.float64)[ids]
        codes = np.frombuffer(table.project, dtype=np.int64)[ids]
        fs = np.array([fairshare.get(name, 0.0) for name in table.names], dtype=np.float64)
        priority = (
            o.weight_age * np.minimum((now - submit) / o.max_age_s, 1.0)
            + o.weight_fairshare * fs[codes]
            + np.frombuffer(table.static, dtype=np.float64)[ids]
        )
        if self.whole:
            priority = np.floor(priority)
        order = np.lexsort((ids, submit, -priority))
        return order.tolist(), priority.tolist()

    def priority(self, job: Job, now: float, fairshare: dict[str, float]) -> float:
        """The same formula for one job, without numpy's per-call cost."""
        o = self.options
        value = (
            o.weight_age * min((now - job.submit) / o.max_age_s, 1.0)
            + o.weight_fairshare * fairshare.get(job.project, 0.0)
            + self.static_part(job)
        )
        return float(math.floor(value)) if self.whole else value


class JobTable:
    """Per-job columns indexed by job id, so a recalculation is a few numpy gathers."""

    def __init__(self) -> None:
        self.submit = array("d")
        self.static = array("d")
        self.project = array("q")
        self.names: list[str] = []
        self._codes: dict[str, int] = {}

    def add(self, job: Job, static: float) -> None:
        missing = job.id + 1 - len(self.submit)
        if missing > 0:
            self.submit.extend(array("d", [0.0]) * missing)
            self.static.extend(array("d", [0.0]) * missing)
            self.project.extend(array("q", [0]) * missing)
        code = self._codes.get(job.project)
        if code is None:
            code = self._codes[job.project] = len(self.names)
            self.names.append(job.project)
        self.submit[job.id], self.static[job.id], self.project[job.id] = job.submit, static, code
