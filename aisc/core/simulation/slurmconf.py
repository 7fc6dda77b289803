"""The simulator's cluster and policy read from a Slurm `slurm.conf`, to replay what Slurm did.

From the node lines: one node group per (chip, GPUs per node, partition), where the chip is the
type of `Gres=gpu:TYPE:N` (`gpu` when untyped); nodes without GPUs are left out. From the
scheduler lines: `SchedulerType` and `PriorityType` choose the policy (sched/backfill -> `slurm`,
Slurm's main loop and backfill cycle; multifactor + builtin -> `multifactor`; basic + builtin ->
`fifo`), and the `PriorityWeight*` (age, fair share, job size, partition, QOS), `PriorityMaxAge`,
`PriorityDecayHalfLife`, `PriorityCalcPeriod`, each partition's `PriorityJobFactor`, and the
SchedulerParameters `sched_interval`, `default_queue_depth`, `bf_interval`, `bf_resolution`,
`bf_window`, `bf_max_job_test` and `bf_node_space_size` become `PolicyOptions`, with Slurm
22.05's defaults (slurm.conf(5)) where the file says nothing. What the simulator cannot mirror is
in `notes`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, NodeGroup
from aisc.core.scheduling.policy import PolicyOptions

# slurm.conf(5), Slurm 22.05: weights default to 0, PriorityMaxAge and PriorityDecayHalfLife
# to 7-0, PriorityCalcPeriod to 5 minutes, bf_max_job_test to 500.
DEFAULTS = {
    "schedulertype": "sched/backfill",
    "prioritytype": "priority/basic",
    "prioritymaxage": "7-0",
    "prioritydecayhalflife": "7-0",
    "prioritycalcperiod": "5",
}
_HOSTLIST = re.compile(r"^(?P<prefix>[^\[\]]*)\[(?P<ranges>[^\]]+)\](?P<suffix>[^\[\]]*)$")
_BINDING = re.compile(r"\([^)]*\)")
_TIME = re.compile(r"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$")
# SchedulerParameters the `slurm` policy follows: name -> (Slurm 22.05 default, unit in seconds).
_CYCLES = {
    "sched_interval": ("60", "sched_interval_s", 1.0),
    "bf_interval": ("30", "bf_interval_s", 1.0),
    "bf_resolution": ("60", "bf_resolution_s", 1.0),
    "bf_window": ("1440", "bf_window_s", 60.0),
}


@dataclass(frozen=True)
class SlurmMirror:
    cluster: ClusterSpec
    policy: str
    options: PolicyOptions
    notes: list[str] = field(default_factory=list)


def mirror(text: str) -> SlurmMirror:
    """The cluster, policy and options of a slurm.conf; a file without GPU nodes is refused."""
    settings, nodes, partitions = _read(text)
    groups = _groups(nodes, partitions)
    if not groups:
        raise RuleViolation("slurm.conf: no node with Gres=gpu:...", field="slurm_conf")
    policy, options, notes = _policy(settings, _job_factors(partitions))
    return SlurmMirror(ClusterSpec(tuple(groups)), policy, options, notes)


def _pairs(line: str) -> dict[str, str]:
    pairs = {}
    for token in line.split():
        key, _, value = token.partition("=")
        pairs[key.lower()] = value
    return pairs


def _read(text: str) -> tuple[dict[str, str], list[dict[str, str]], list[dict[str, str]]]:
    settings: dict[str, str] = dict(DEFAULTS)
    nodes, partitions = [], []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        pairs = _pairs(line)
        if "nodename" in pairs:
            nodes.append(pairs)
        elif "partitionname" in pairs:
            partitions.append(pairs)
        else:
            settings.update(pairs)
    return settings, nodes, partitions


def hostnames(spec: str) -> list[str]:
    """Expand a Slurm host list: 'h800-[01-02],gpu7' -> ['h800-01', 'h800-02', 'gpu7']."""
    return [name for part in _split_top(spec) for name in _expand(part)]


def _split_top(spec: str) -> Iterator[str]:
    depth, start = 0, 0
    for i, char in enumerate(spec):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            yield spec[start:i]
            start = i + 1
    yield spec[start:]


def _expand(part: str) -> list[str]:
    match = _HOSTLIST.match(part)
    if match is None:
        return [part] if part else []
    names = []
    for item in match["ranges"].split(","):
        low, _, high = item.partition("-")
        if not (low.isdigit() and (high or low).isdigit()):
            raise RuleViolation(
                "slurm.conf: bad host range %(part)s",
                field="slurm_conf",
                params={"part": f"{part!r}"},
            )
        for number in range(int(low), int(high or low) + 1):
            names.append(f"{match['prefix']}{number:0{len(low)}d}{match['suffix']}")
    return names


def _gpus(gres: str) -> tuple[str, int] | None:
    """(chip, GPUs per node) of the first gpu entry; socket bindings like '(S:0-1)' are dropped."""
    for item in _BINDING.sub("", gres).split(","):
        bits = item.split(":")
        if bits[0] != "gpu" or not bits[-1].isdigit():
            continue
        chip = bits[1] if len(bits) == 3 else "gpu"
        return (chip, int(bits[-1])) if int(bits[-1]) > 0 else None
    return None


def _groups(nodes: list[dict[str, str]], partitions: list[dict[str, str]]) -> list[NodeGroup]:
    partition_of: dict[str, str] = {}
    for part in partitions:
        for name in hostnames(part.get("nodes", "")):
            partition_of.setdefault(name, part["partitionname"])
    counts: dict[tuple[str, int, str], int] = {}
    for node in nodes:
        gpus = _gpus(node.get("gres", ""))
        if node["nodename"].upper() == "DEFAULT" or gpus is None:
            continue
        for name in hostnames(node["nodename"]):
            key = (*gpus, partition_of.get(name, "gpu"))
            counts[key] = counts.get(key, 0) + 1
    return [NodeGroup(chip, n, gpn, partition) for (chip, gpn, partition), n in counts.items()]


def slurm_seconds(text: str, *, unit: float = 60.0) -> float:
    """A slurm.conf time string ('min', 'min:sec', 'hr:min:sec', 'days-hr[:min[:sec]]') in seconds;
    a bare number counts in `unit` seconds (minutes for most settings)."""
    match = _TIME.match(text.strip())
    if match is None:
        raise RuleViolation(
            "slurm.conf: %(text)s is not a Slurm time",
            field="slurm_conf",
            params={"text": f"{text!r}"},
        )
    days, first, second, third = match.groups()
    if days is not None:  # days-hr[:min[:sec]]
        return ((int(days) * 24 + int(first)) * 60 + int(second or 0)) * 60 + int(third or 0)
    if third is not None:  # hr:min:sec
        return (int(first) * 60 + int(second)) * 60 + int(third)
    if second is not None:  # min:sec
        return int(first) * 60.0 + int(second)
    return int(first) * unit


def _job_factors(partitions: list[dict[str, str]]) -> dict[str, float]:
    factors = {}
    for part in partitions:
        text = part.get("priorityjobfactor", "1")
        if not text.isdigit():
            raise RuleViolation(
                "slurm.conf: PriorityJobFactor %(text)s must be a whole number",
                field="priorityjobfactor",
                params={"text": f"{text!r}"},
            )
        factors[part["partitionname"]] = float(text)
    return factors


def _policy(
    settings: dict[str, str], job_factors: dict[str, float]
) -> tuple[str, PolicyOptions, list[str]]:
    scheduler = settings["schedulertype"]
    multifactor = settings["prioritytype"] == "priority/multifactor"
    backfill = scheduler == "sched/backfill"
    params = _pairs(settings.get("schedulerparameters", "").replace(",", " "))
    cycles = {
        option: _number(params.get(name, default), name) * unit
        for name, (default, option, unit) in _CYCLES.items()
    }
    notes = [
        "Slurm's cycles run on their own threads' clocks; the simulator ticks them on multiples "
        "of their intervals from slurmctld's start unless a run's log gives their phase"
    ]
    fair = multifactor and "NO_FAIR_TREE" not in settings.get("priorityflags", "").upper()
    if fair:
        notes.append(
            "fair share: Fair Tree over one association per project under the root (Slurm's "
            "tree also ranks the users inside an account, and counts every user association)"
        )
    depth = int(_number(params.get("default_queue_depth", "100"), "default_queue_depth"))
    delay = params.get("batch_sched_delay", "3")  # Slurm's default; 0 is allowed
    common: dict[str, Any] = dict(
        cycles,
        bf_max_job_test=_max_job_test(params),
        default_queue_depth=depth,
        batch_sched_delay_s=0.0 if delay == "0" else _number(delay, "batch_sched_delay"),
    )
    if "bf_node_space_size" in params:  # default: bf_max_job_test
        space = _number(params["bf_node_space_size"], "bf_node_space_size")
        common["bf_node_space_size"] = int(space)
    if not multifactor:
        # priority/basic is arrival order: every weight 0 leaves the ties, broken by submit time.
        options = PolicyOptions(
            weight_age=0.0, weight_fairshare=0.0, weight_jobsize=0.0, weight_qos=0.0, **common
        )
        return ("slurm" if backfill else "fifo"), options, notes
    half_life = slurm_seconds(settings["prioritydecayhalflife"])
    options = PolicyOptions(
        weight_age=_weight(settings, "priorityweightage"),
        weight_fairshare=_weight(settings, "priorityweightfairshare"),
        weight_jobsize=_weight(settings, "priorityweightjobsize"),
        weight_qos=_weight(settings, "priorityweightqos"),
        weight_partition=_weight(settings, "priorityweightpartition"),
        partition_factor=job_factors,
        max_age_s=slurm_seconds(settings["prioritymaxage"]),
        decay_half_life_s=half_life if half_life > 0 else math.inf,
        calc_period_s=slurm_seconds(settings["prioritycalcperiod"]),
        fair_tree=fair,
        **common,
    )
    return ("slurm" if backfill else "multifactor"), options, notes


def _number(text: str, name: str) -> float:
    if not (text.isdigit() and int(text) > 0):
        raise RuleViolation(
            "slurm.conf: %(name)s %(text)s must be a whole number > 0",
            field=name,
            params={"name": name, "text": f"{text!r}"},
        )
    return float(text)


def _weight(settings: dict[str, str], key: str) -> float:
    text = settings.get(key, "0")
    if not text.isdigit():
        raise RuleViolation(
            "slurm.conf: %(key)s %(text)s must be a whole number",
            field=key,
            params={"key": key, "text": f"{text!r}"},
        )
    return float(text)


def _max_job_test(params: dict[str, str]) -> int:
    return int(_number(params.get("bf_max_job_test", "500"), "bf_max_job_test"))
