from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.records import Outcome
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces import parse_lines


def test_a_job_no_chip_of_the_cluster_can_run_has_no_ideal_time_and_is_unschedulable() -> None:
    trace = parse_lines(["0,1,100,a100", "0,1,50,h800,,30"], "csv", "t.csv")
    result = simulate(trace, parse_cluster("h800=1x8"), "fifo")
    cols = result.record.columns()
    assert cols["ideal"].tolist() == [0.0, 30.0]  # none for a100; h800 alone: cut at its limit
    assert cols["outcome"].tolist() == [Outcome.UNSCHEDULABLE, Outcome.TIMEOUT]
    assert "needs chip 'a100'" in result.record.reasons[0]
