from aisc.core.scheduling.model import Job
from aisc.core.scheduling.ordered import OrderedJobs


def job(job_id: int, submit: float = 0.0) -> Job:
    return Job(job_id, submit, 1, 10.0)


def test_it_keeps_jobs_by_key_then_submit_time_then_id() -> None:
    jobs = OrderedJobs()
    jobs.add(job(3, submit=5.0), 2.0)
    jobs.add(job(1, submit=9.0), 1.0)
    jobs.add(job(2, submit=5.0), 2.0)
    jobs.add(job(0, submit=1.0), 2.0)
    assert [j.id for j in jobs.snapshot()] == [1, 0, 2, 3]
    assert [entry[2] for entry in jobs.entries()] == [1, 0, 2, 3]
    assert len(jobs) == 4


def test_adding_a_job_again_moves_it_to_its_new_key() -> None:
    jobs = OrderedJobs()
    first, second = job(1), job(2)
    jobs.add(first, 1.0)
    jobs.add(second, 2.0)
    jobs.add(first, 3.0)
    assert [j.id for j in jobs.snapshot()] == [2, 1]
    assert len(jobs) == 2


def test_discarding_removes_only_that_job_and_ignores_one_not_there() -> None:
    jobs = OrderedJobs()
    kept, gone = job(1), job(2)
    jobs.add(kept, 5.0)
    jobs.add(gone, 5.0)
    jobs.discard(gone)
    jobs.discard(gone)
    assert gone not in jobs
    assert kept in jobs
    assert jobs.job(1) is kept
    assert [j.id for j in jobs.snapshot()] == [1]


def test_a_snapshot_is_not_changed_by_later_removals() -> None:
    jobs = OrderedJobs()
    a, b = job(1), job(2)
    jobs.add(a, 1.0)
    jobs.add(b, 2.0)
    snapshot = jobs.snapshot()
    jobs.discard(a)
    assert snapshot == [a, b]
    assert [j.id for j in jobs.snapshot()] == [2]
