"""The simulator's cluster and policy read from a slurm.conf."""

import math
from pathlib import Path

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import NodeGroup
from aisc.core.simulation.slurmconf import hostnames, mirror, slurm_seconds

TEST_CLUSTER = Path(__file__).resolve().parents[3] / "scripts/slurm-test-cluster.d/slurm.conf"


def test_it_mirrors_the_slurm_test_cluster_as_two_partitions_under_slurms_own_scheduling() -> None:
    conf = mirror(TEST_CLUSTER.read_text(encoding="utf-8"))
    assert conf.cluster.groups == (
        NodeGroup("h800", 2, 8, "h800"),
        NodeGroup("br104", 2, 8, "br104"),
    )
    assert conf.policy == "slurm"
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
    # bf_interval=1 from the file; the rest are Slurm 22.05's defaults.
    assert (o.bf_interval_s, o.bf_resolution_s, o.bf_window_s) == (1.0, 60.0, 86_400.0)
    assert (o.sched_interval_s, o.default_queue_depth) == (60.0, 100)
    assert o.batch_sched_delay_s == 3.0  # Slurm's default
    assert o.fair_tree  # no PriorityFlags=NO_FAIR_TREE: Slurm's default
    assert o.partition_factor == {"h800": 1.0, "br104": 1.0}  # PriorityJobFactor's default
    assert len(conf.notes) == 2
    assert "own threads' clocks" in conf.notes[0]
    assert "Fair Tree" in conf.notes[1]


def test_priority_basic_is_arrival_order_with_or_without_backfill() -> None:
    nodes = "NodeName=g[1-4] Gres=gpu:4\nPartitionName=all Nodes=g[1-4]\n"
    backfill = mirror(nodes + "SchedulerParameters=bf_max_job_test=50")
    assert backfill.policy == "slurm"
    o = backfill.options
    assert (o.weight_age, o.weight_fairshare, o.weight_jobsize, o.weight_qos) == (0, 0, 0, 0)
    assert o.bf_max_job_test == 50
    assert backfill.cluster.groups == (NodeGroup("gpu", 4, 4, "all"),)
    builtin = mirror(nodes + "SchedulerType=sched/builtin  # strict\n")
    assert builtin.policy == "fifo"
    assert len(builtin.notes) == 1  # the cycles' clock; basic priority has no fair share


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
    assert not conf.options.fair_tree


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
        ("SchedulerParameters=bf_window=soon", "bf_window"),
        ("PartitionName=p Nodes=a1 PriorityJobFactor=high", "priorityjobfactor"),
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


def test_scheduler_parameters_partition_factors_and_keys_are_read_whatever_their_case() -> None:
    conf = mirror(
        "nodename=g[1-2] gres=gpu:h800:8\npartitionname=all nodes=g1 PriorityJobFactor=10\n"
        "partitionname=low nodes=g2\nPriorityWeightPartition=2000\n"
        "PRIORITYTYPE=priority/multifactor\nschedulerparameters=bf_interval=2,bf_resolution=10,"
        "bf_window=30,sched_interval=20,default_queue_depth=7,bf_node_space_size=40\n"
        "PriorityWeightFairshare=100\nPriorityFlags=SMALL_RELATIVE_TO_TIME,NO_FAIR_TREE\n"
    )
    o = conf.options
    assert conf.policy == "slurm"
    assert o.weight_fairshare == 100.0
    assert (o.bf_interval_s, o.bf_resolution_s, o.bf_window_s) == (2.0, 10.0, 1800.0)
    assert (o.sched_interval_s, o.default_queue_depth) == (20.0, 7)
    assert (o.bf_max_job_test, o.bf_node_space_size) == (500, 40)
    assert mirror("nodename=g1 gres=gpu:h800:8\n").options.bf_node_space_size is None
    assert (o.weight_partition, o.partition_factor) == (2000.0, {"all": 10.0, "low": 1.0})
    assert not any("Fair Tree" in note for note in conf.notes)


@pytest.mark.parametrize("text", ["", "x", "1-", "1:2:3:4:5", "-5"])
def test_a_time_string_slurm_would_refuse_is_refused(text: str) -> None:
    with pytest.raises(RuleViolation, match="is not a Slurm time"):
        slurm_seconds(text)


def test_a_bare_number_counts_in_the_unit_asked_for() -> None:
    assert slurm_seconds("90", unit=1.0) == 90.0


@pytest.mark.parametrize(
    ("param", "delay"), [("batch_sched_delay=0", 0.0), ("batch_sched_delay=7", 7.0)]
)
def test_the_main_loops_batch_delay_comes_from_scheduler_parameters(
    param: str, delay: float
) -> None:
    conf = mirror(
        "NodeName=g1 Gres=gpu:4\nPartitionName=all Nodes=g1\nSchedulerParameters=" + param
    )
    assert conf.options.batch_sched_delay_s == delay


def test_a_batch_delay_that_is_not_a_whole_number_is_refused_naming_it() -> None:
    with pytest.raises(RuleViolation) as caught:
        mirror("NodeName=g1 Gres=gpu:4\nSchedulerParameters=batch_sched_delay=soon")
    assert caught.value.field == "batch_sched_delay"
