"""The simulator's cluster and policy read from a slurm.conf."""

import math
from pathlib import Path

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import NodeGroup
from aisc.core.simulation.slurmconf import hostnames, mirror, slurm_seconds

TEST_CLUSTER = Path(__file__).resolve().parents[3] / "scripts/slurm-test-cluster.d/slurm.conf"


def test_it_mirrors_the_slurm_test_cluster_as_two_partitions_under_multifactor_backfill() -> None:
    conf = mirror(TEST_CLUSTER.read_text(encoding="utf-8"))
    assert conf.cluster.groups == (
        NodeGroup("h800", 2, 8, "h800"),
        NodeGroup("br104", 2, 8, "br104"),
    )
    assert conf.policy == "backfill"
    o = conf.options
    assert (o.weight_age, o.weight_fairshare, o.weight_jobsize, o.weight_qos) == (
        1000.0,
        10000.0,
        0.0,
        5000.0,
    )
    assert o.decay_half_life_s == math.inf  # PriorityDecayHalfLife=0: no decay
    assert o.calc_period_s == 60.0  # PriorityCalcPeriod=1 (minutes)
    assert o.max_age_s == 7 * 86_400  # Slurm's default 7-0
    assert o.bf_max_job_test == 500  # Slurm 22.05's default
    assert conf.notes == [
        "backfill runs every 5 s; the simulator backfills at every event",
        "backfill plans in 60 s steps; the simulator uses exact times",
        "the full main loop runs every 60 s; the simulator schedules at every event",
        "Slurm's backfill plans a start for every pending job (up to bf_max_job_test); "
        "the simulator's EASY backfill reserves for the first blocked job only",
        "Slurm's main loop stops per partition at the first blocked job; the simulator's "
        "priority pass stops once for the whole cluster",
        "fair share: Slurm ranks by Fair Tree; the simulator uses 2^(-U/S)",
    ]


def test_priority_basic_is_arrival_order_with_or_without_backfill() -> None:
    nodes = "NodeName=g[1-4] Gres=gpu:4\nPartitionName=all Nodes=g[1-4]\n"
    backfill = mirror(nodes + "SchedulerParameters=bf_max_job_test=50")
    assert backfill.policy == "backfill"
    o = backfill.options
    assert (o.weight_age, o.weight_fairshare, o.weight_jobsize, o.weight_qos) == (0, 0, 0, 0)
    assert o.bf_max_job_test == 50
    assert backfill.cluster.groups == (NodeGroup("gpu", 4, 4, "all"),)
    builtin = mirror(nodes + "SchedulerType=sched/builtin  # strict\n")
    assert builtin.policy == "fifo"
    assert builtin.notes == [
        "the full main loop runs every 60 s; the simulator schedules at every event"
    ]


def test_multifactor_with_the_builtin_scheduler_is_strict_priority_order() -> None:
    conf = mirror(
        "NodeName=a1 Gres=gpu:h800:8\n"
        "PriorityType=priority/multifactor\nSchedulerType=sched/builtin\n"
        "PriorityFlags=NO_FAIR_TREE\nPriorityDecayHalfLife=14-0\nPriorityMaxAge=1-12\n"
    )
    assert conf.policy == "multifactor"
    assert conf.options.decay_half_life_s == 14 * 86_400
    assert conf.options.max_age_s == 36 * 3600
    assert conf.options.weight_fairshare == 0.0  # Slurm's default weight
    assert conf.cluster.groups == (NodeGroup("h800", 1, 8, "gpu"),)  # no partition line
    assert not any("Fair Tree" in note for note in conf.notes)


def test_nodes_without_gpus_and_default_lines_are_left_out_and_alike_nodes_merge() -> None:
    conf = mirror(
        "NodeName=DEFAULT Gres=gpu:h800:8\n"
        "NodeName=cpu[01-10] CPUs=64\n"
        "NodeName=z1 Gres=gpu:h800:0\n"
        "NodeName=m1 Gres=mps:100,gpu:br104:4\n"
        "NodeName=h[1-2] Gres=gpu:h800:8\nNodeName=h3 Gres=gpu:h800:8\n"
    )
    assert conf.cluster.groups == (NodeGroup("br104", 1, 4, "gpu"), NodeGroup("h800", 3, 8, "gpu"))


def test_a_file_without_gpu_nodes_is_refused() -> None:
    with pytest.raises(RuleViolation, match="no node with Gres=gpu"):
        mirror("NodeName=cpu1 CPUs=8\n")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("PriorityWeightAge=lots", "priorityweightage"),
        ("SchedulerParameters=bf_max_job_test=0", "bf_max_job_test"),
        ("PriorityMaxAge=soon", "slurm_conf"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(line: str, field: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        mirror(f"NodeName=a1 Gres=gpu:8\nPriorityType=priority/multifactor\n{line}\n")
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        ("h800-[01-02]", ["h800-01", "h800-02"]),
        ("n[1,3-4]x,gpu7", ["n1x", "n3x", "n4x", "gpu7"]),
        ("solo", ["solo"]),
        ("", []),
    ],
)
def test_it_expands_slurm_host_lists(spec: str, names: list[str]) -> None:
    assert hostnames(spec) == names


def test_a_bad_host_range_is_refused() -> None:
    with pytest.raises(RuleViolation, match="bad host range 'n\\[a-b\\]'"):
        hostnames("n[a-b]")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5", 300.0), ("1:30", 90.0), ("2:00:00", 7200.0), ("7-0", 604_800.0), ("1-2:3:4", 93_784.0)],
)
def test_it_reads_slurm_time_strings(text: str, seconds: float) -> None:
    assert slurm_seconds(text) == seconds


def test_gres_socket_bindings_and_other_gres_kinds_do_not_hide_the_gpus() -> None:
    conf = mirror(
        "NodeName=a[1-2] Gres=gpu:h800:8(S:0-1),nic:2\n"
        "NodeName=b1 Gres=shard:16,gpu:4(S:0)\n"
        "PartitionName=p Nodes=a[1-2],b1\n"
    )
    assert conf.cluster.groups == (NodeGroup("h800", 2, 8, "p"), NodeGroup("gpu", 1, 4, "p"))


def test_a_node_listed_in_two_partitions_counts_once_in_the_first() -> None:
    conf = mirror(
        "NodeName=g[1-3] Gres=gpu:h800:8\n"
        "PartitionName=short Nodes=g[1-2]\n"
        "PartitionName=all Nodes=g[1-3]\n"
        "PartitionName=cpu Nodes=c[1-9]\n"
    )
    assert conf.cluster.groups == (NodeGroup("h800", 2, 8, "short"), NodeGroup("h800", 1, 8, "all"))
    assert any("stops per partition" in note for note in conf.notes)


def test_one_partition_needs_no_note_about_partitions_and_keys_ignore_case() -> None:
    conf = mirror(
        "nodename=g1 gres=gpu:h800:8\npartitionname=all nodes=g1\n"
        "PRIORITYTYPE=priority/multifactor\nschedulerparameters=bf_interval=2,bf_resolution=10\n"
        "PriorityWeightFairshare=100\nPriorityFlags=SMALL_RELATIVE_TO_TIME,NO_FAIR_TREE\n"
    )
    assert conf.policy == "backfill"
    assert conf.options.weight_fairshare == 100.0
    assert conf.notes[:2] == [
        "backfill runs every 2 s; the simulator backfills at every event",
        "backfill plans in 10 s steps; the simulator uses exact times",
    ]
    assert not any("partition" in note or "Fair Tree" in note for note in conf.notes)


@pytest.mark.parametrize("text", ["", "x", "1-", "1:2:3:4:5", "-5"])
def test_a_time_string_slurm_would_refuse_is_refused(text: str) -> None:
    with pytest.raises(RuleViolation, match="is not a Slurm time"):
        slurm_seconds(text)


def test_a_bare_number_counts_in_the_unit_asked_for() -> None:
    assert slurm_seconds("90", unit=1.0) == 90.0
