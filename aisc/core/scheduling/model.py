"""The model: node groups of one chip type, jobs that need a gang of GPUs, projects with shares.

A cluster is a list of node groups; every node in a group has the same chip, GPUs per node,
partition and (optional) project it is reserved for. A job asks for `gpus` GPUs at once (gang),
carries its work as seconds on the reference chip (speed 1.0), and may name a chip it must run on
or a speed per chip (throughput relative to the reference), as Gavel's throughput matrix does.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from aisc.core.errors import RuleViolation

SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
# "h800=64x8": chip, nodes, GPUs per node.
CLUSTER_ITEM = re.compile(r"^\s*([^=\s]+)\s*=\s*(\d+)\s*x\s*(\d+)\s*$")
MAX_GPUS_PER_NODE = 64


@dataclass(frozen=True)
class NodeGroup:
    """`nodes` identical nodes; `reserved_for` names the one project allowed on them.

    Chip codes are case-insensitive everywhere (`V100M16` and `v100m16` are one chip): the
    cluster, the jobs and the traces keep them in lower case.
    """

    chip: str
    nodes: int
    gpus_per_node: int
    partition: str = "gpu"
    reserved_for: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "chip", self.chip.lower())

    @property
    def gpus(self) -> int:
        return self.nodes * self.gpus_per_node

    def nodes_needed(self, gpus: int) -> int:
        """Nodes a gang of `gpus` takes: whole nodes, the last one perhaps partly used."""
        return -(-gpus // self.gpus_per_node)

    def can_ever_hold(self, gpus: int) -> bool:
        return self.nodes_needed(gpus) <= self.nodes


@dataclass(frozen=True)
class ClusterSpec:
    groups: tuple[NodeGroup, ...]
    shares: dict[str, float] = field(default_factory=dict)

    @property
    def gpus(self) -> int:
        return sum(g.gpus for g in self.groups)

    @property
    def chips(self) -> tuple[str, ...]:
        """Chip codes in the order they first appear."""
        return tuple(dict.fromkeys(g.chip for g in self.groups))

    def describe(self) -> str:
        return ",".join(f"{g.chip}={g.nodes}x{g.gpus_per_node}" for g in self.groups)


def _checked_group(
    chip: str, nodes: int, gpn: int, where: str, partition: str = "gpu", reserved: str | None = None
) -> NodeGroup:
    chip = chip.lower()
    if not SLUG.match(chip):
        raise RuleViolation(
            "%(where)s: chip %(chip)s must be a slug (a letter, then letters, digits, _ or -)",
            field="cluster",
            params={"where": where, "chip": f"{chip!r}"},
        )
    if nodes < 1:
        raise RuleViolation(
            "%(where)s: a node group needs at least 1 node",
            field="cluster",
            params={"where": where},
        )
    if not 1 <= gpn <= MAX_GPUS_PER_NODE:
        raise RuleViolation(
            "%(where)s: GPUs per node must be between 1 and %(max_gpus_per_node)s",
            field="cluster",
            params={"where": where, "max_gpus_per_node": MAX_GPUS_PER_NODE},
        )
    return NodeGroup(chip, nodes, gpn, partition, reserved)


def parse_cluster(text: str) -> ClusterSpec:
    """Parse `h800=64x8,br104=16x8` (64 nodes of 8 H800, 16 nodes of 8 BR104)."""
    items = [item for item in text.split(",") if item.strip()]
    if not items:
        raise RuleViolation("cluster spec is empty; expected e.g. h800=64x8", field="cluster")
    groups = []
    for item in items:
        match = CLUSTER_ITEM.match(item)
        if match is None:
            raise RuleViolation(
                "cluster item %(item)s is not CHIP=NODESxGPUS (e.g. h800=64x8)",
                field="cluster",
                params={"item": f"{item.strip()!r}"},
            )
        chip, nodes, gpn = match.group(1), int(match.group(2)), int(match.group(3))
        groups.append(_checked_group(chip, nodes, gpn, f"cluster item {item.strip()!r}"))
    return ClusterSpec(tuple(groups))


def cluster_from_toml(text: str) -> ClusterSpec:
    """The same as `parse_cluster`, with partitions, reservations and project shares:

    [[nodes]]                       # one table per node group
    chip = "h800"; count = 60; gpus = 8; partition = "gpu"
    [[nodes]]
    chip = "h800"; count = 4; gpus = 8; reserved_for = "p2026a-003"
    [shares]                        # allocation share per project (any positive numbers)
    p2026a-003 = 3
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleViolation("cluster TOML: %(exc)s", field="cluster", params={"exc": exc}) from exc
    tables = data.get("nodes")
    if not isinstance(tables, list) or not tables:
        raise RuleViolation("cluster TOML needs at least one [[nodes]] table", field="cluster")
    groups = [_group_from_table(i + 1, table) for i, table in enumerate(tables)]
    return ClusterSpec(tuple(groups), _shares_from_table(data.get("shares", {})))


def _group_from_table(number: int, table: dict[str, Any]) -> NodeGroup:
    where = f"[[nodes]] #{number}"
    try:
        chip, count, gpus = str(table["chip"]), table["count"], table["gpus"]
    except KeyError as exc:
        raise RuleViolation(
            "%(where)s: missing key %(args)s",
            field="cluster",
            params={"where": where, "args": f"{exc.args[0]!r}"},
        ) from exc
    if not isinstance(count, int) or not isinstance(gpus, int):
        raise RuleViolation(
            "%(where)s: count and gpus must be integers", field="cluster", params={"where": where}
        )
    reserved = table.get("reserved_for")
    return _checked_group(
        chip, count, gpus, where, str(table.get("partition", "gpu")), reserved and str(reserved)
    )


def _shares_from_table(table: dict[str, Any]) -> dict[str, float]:
    shares = {}
    for project, value in table.items():
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise RuleViolation(
                "[shares] %(project)s: a share must be a positive number",
                field="shares",
                params={"project": project},
            )
        shares[str(project)] = float(value)
    return shares


def parse_shares(text: str) -> dict[str, float]:
    """`p1=3,p2=1`: allocation shares per project, for fair share."""
    shares: dict[str, Any] = {}
    for item in (i for i in text.split(",") if i.strip()):
        project, sep, value = item.partition("=")
        try:
            shares[project.strip()] = float(value) if sep else None
        except ValueError:
            shares[project.strip()] = None
        if shares[project.strip()] is None:
            raise RuleViolation(
                "share %(item)s is not PROJECT=NUMBER",
                field="shares",
                params={"item": f"{item.strip()!r}"},
            )
    return _shares_from_table(shares)


def lower_keys(speeds: dict[str, float]) -> dict[str, float]:
    """Speeds keyed by lower-case chip; the same dict when it already is (the usual case)."""
    if all(chip == chip.lower() for chip in speeds):
        return speeds
    return {chip.lower(): speed for chip, speed in speeds.items()}


class Job:
    """One job of a trace, and its state while it is simulated.

    `work` is run time on the reference chip (speed 1.0); on a chip of speed s it runs work / s
    seconds, cut at `time_limit` (wall clock, as Slurm's --time). `speeds` is None when every chip
    runs it at the reference speed; otherwise chips missing from it cannot run the job.
    Without a time limit (inf) nothing is cut, and backfill plans with the true run time, i.e.
    perfect estimates, the usual assumption of EASY studies on traces that carry no limits.
    """

    __slots__ = (
        "attained",
        "chip",
        "end",
        "expected_end",
        "first_start",
        "gpus",
        "groups",
        "id",
        "placement",
        "preemptions",
        "priority",
        "project",
        "qos",
        "ran",
        "remaining",
        "restart_left",
        "run_since",
        "run_speed",
        "speeds",
        "submit",
        "time_limit",
        "user",
        "version",
        "work",
    )

    def __init__(
        self,
        id: int,
        submit: float,
        gpus: int,
        work: float,
        *,
        time_limit: float | None = None,
        project: str = "default",
        user: str = "user",
        qos: str = "normal",
        chip: str | None = None,
        speeds: dict[str, float] | None = None,
    ) -> None:
        self.id = id
        self.submit = submit
        self.gpus = gpus
        self.work = work
        self.time_limit = math.inf if time_limit is None else time_limit
        self.project = project
        self.user = user
        self.qos = qos
        self.chip = None if chip is None else chip.lower()
        self.speeds = speeds if speeds is None else lower_keys(speeds)
        self.priority = 0.0
        self.remaining = work  # reference-chip seconds still to run
        self.attained = 0.0  # GPU-seconds run so far
        self.ran = 0.0  # wall seconds run so far (counts against the time limit)
        self.first_start = -1.0
        self.end = -1.0
        self.expected_end = -1.0  # while running: when the scheduler expects it to end
        self.run_since = -1.0
        self.restart_left = 0.0  # while running: wall seconds of restoring still ahead of work
        self.run_speed = 1.0
        self.placement: Any = None
        self.groups: Any = None  # the node groups it may use, cached by the cluster state
        self.preemptions = 0
        self.version = 0  # bumped on preemption, so a stale completion event is ignored

    def speed_on(self, chip: str) -> float:
        """Relative speed on `chip`; 0.0 when the job cannot run there."""
        if self.chip is not None and chip != self.chip:
            return 0.0
        if self.speeds is None:
            return 1.0
        return self.speeds.get(chip, 0.0)

    def estimate_on(self, speed: float, restart: float = 0.0) -> float:
        """What a scheduler expects the rest to take: the time limit left, if there is one."""
        if math.isinf(self.time_limit):
            return restart + self.remaining / speed
        return self.time_limit - self.ran

    def run_time_on(self, speed: float, restart: float = 0.0) -> float:
        """Wall seconds the remaining work takes at `speed` after `restart` seconds of restoring,
        cut at the time limit (restoring counts against it: it is wall time)."""
        work_left, limit_left = restart + self.remaining / speed, self.time_limit - self.ran
        return work_left if work_left < limit_left else limit_left

    def work_left_at(self, now: float) -> float:
        """A running job's reference-chip seconds still to do at `now`: the engine brings
        `remaining` up to date only when the job stops, and restoring after a restart does
        no work."""
        worked = now - self.run_since - self.restart_left
        return self.remaining - (worked if worked > 0.0 else 0.0) * self.run_speed

    def __repr__(self) -> str:
        return f"Job({self.id}, submit={self.submit}, gpus={self.gpus}, work={self.work})"
