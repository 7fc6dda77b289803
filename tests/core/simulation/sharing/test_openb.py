"""The OpenB loader reads node and pod lists in the shape of Alibaba's cluster-trace-gpu-v2023
(samples written here, not copied from the trace) and refuses what it cannot read, naming the
line and the rule."""

import math

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.sharing.openb import load_nodes, load_pods

NODES = """sn,cpu_milli,memory_mib,gpu,model
node-a,96000,393216,8,G2
node-b,32000,131072,4,V100M16

node-c,32000,262144,0,nan
"""
POD_HEADER = (
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
    "creation_time,deletion_time,scheduled_time"
)
PODS = f"""{POD_HEADER}
pod-1,4000,15258,1,220,,BE,Running,1000,1500,1010
pod-2,16000,32768,1,1000,V100M16|V100M32,LS,Running,900,,900
pod-3,88000,327680,8,1000,nan,Burstable,Succeeded,1200,1300,
pod-4,2000,4096,0,0,,BE,Succeeded,1100,1200,1100
"""


def pods(text: str) -> list:  # type: ignore[type-arg]
    return load_pods(text.splitlines(), "pods.csv")


def test_it_reads_a_node_list_with_cpu_memory_gpus_and_a_lower_case_model() -> None:
    nodes = load_nodes(NODES.splitlines(), "nodes.csv")
    assert [(n.name, n.gpus, n.model) for n in nodes] == [
        ("node-a", 8, "g2"),
        ("node-b", 4, "v100m16"),
        ("node-c", 0, ""),
    ]
    assert (nodes[0].cpu_milli, nodes[0].memory_mib) == (96000, 393216)


def test_it_reads_pods_with_their_times_from_the_first_creation() -> None:
    loaded = pods(PODS)
    assert [p.name for p in loaded] == ["pod-2", "pod-1", "pod-4", "pod-3"]  # by arrival
    by_name = {p.name: p for p in loaded}
    assert by_name["pod-2"].arrival == 0
    assert math.isinf(by_name["pod-2"].duration)
    assert by_name["pod-2"].models == frozenset({"v100m16", "v100m32"})
    assert (by_name["pod-1"].arrival, by_name["pod-1"].duration) == (
        100,
        490,
    )  # deleted - scheduled
    assert (by_name["pod-1"].per_gpu, by_name["pod-1"].gpu_demand) == (220, 220)
    assert by_name["pod-3"].duration == 100  # never scheduled: deleted - created
    assert by_name["pod-3"].models is None
    assert by_name["pod-3"].gpu_demand == 8000
    assert by_name["pod-4"].gpu_demand == 0
    assert by_name["pod-4"].line == 5


def test_a_list_without_times_arrives_one_pod_a_second_and_never_leaves() -> None:
    text = (
        f"{POD_HEADER}\np-a,1000,1024,1,500,,BE,Pending,,,\np-b,1000,1024,2,1000,,BE,Pending,,,\n"
    )
    loaded = pods(text)
    assert [(p.arrival, p.ends) for p in loaded] == [(0.0, False), (1.0, False)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("sn,cpu,memory_mib,gpu,model\nn,1,1,1,T4\n", "the first line must be the header"),
        ("", "the first line must be the header"),
        ("sn,cpu_milli,memory_mib,gpu,model\n", "no data lines"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,1,1,1\n", "line 2: expected 5 columns"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,x,1,1,T4\n", "cpu_milli 'x' is not a number"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,1.5,1,1,T4\n", "must be a whole number >= 0"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,-1,1,1,T4\n", "must be a whole number >= 0"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,inf,1,1,T4\n", "must be a whole number >= 0"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,1,1,2,\n", "a GPU node needs a model"),
        ("sn,cpu_milli,memory_mib,gpu,model\nn,1,1,65,T4\n", "GPUs must be between 0 and 64"),
    ],
)
def test_a_bad_node_list_is_refused_naming_the_rule(text: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        load_nodes(text.splitlines(), "nodes.csv")
    assert rule in caught.value.message


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ("p,1,1,1,0,,BE,Running,,,", "gpu_milli 0 must be in 1..1000"),
        ("p,1,1,1,1200,,BE,Running,,,", "gpu_milli 1200 must be in 1..1000"),
        ("p,1,1,2,500,,BE,Running,,,", "a pod of 2 GPUs takes whole GPUs"),
        ("p,1,1,1,500,,BE,Running,10,5,10", "creation <= scheduled <= deletion"),
        ("p,1,1,1,500,,BE,Running,10,20,5", "creation <= scheduled <= deletion"),
    ],
)
def test_a_bad_pod_is_refused_naming_the_line_and_the_rule(row: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        pods(f"{POD_HEADER}\n{row}\n")
    assert rule in caught.value.message
    assert "line 2" in caught.value.message


def test_a_list_where_only_some_pods_have_times_is_refused_not_guessed() -> None:
    text = f"{POD_HEADER}\na,1,1,1,500,,BE,Running,5,,\nb,1,1,1,500,,BE,Running,,,\n"
    with pytest.raises(RuleViolation) as caught:
        pods(text)
    assert "line 3: creation_time is empty while other pods have one" in caught.value.message
