"""The ingest's plan of a batch: new, corrected, unchanged and refused readings, no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aisc.core.metering.plan import BatchPlan, plan
from aisc.core.metering.records import RecordKey, UsageRecord, corrected

SUBMIT = dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC)


def job(job_id: str = "101", **fields: Any) -> UsageRecord:
    base: dict[str, Any] = {
        "cluster": "aisc",
        "job_id": job_id,
        "submit": SUBMIT,
        "start": SUBMIT,
        "elapsed_seconds": 3600,
        "account": "p2026a-001",
        "user": "alice",
        "partition": "h800",
        "state": "COMPLETED",
        "gpus": (("h800", 8),),
    }
    return UsageRecord(**{**base, **fields})


none: frozenset[int] = frozenset()  # no reading refused


def test_a_first_reading_is_all_new_in_order() -> None:
    batch = [job("1"), job("2"), job("3")]
    assert plan(batch, {}, none) == BatchPlan(new=[0, 1, 2])


def test_a_refused_reading_is_left_out_and_nothing_else() -> None:
    batch = [job("1"), job("2", account="nobody"), job("3")]
    assert plan(batch, {}, {1: "account: unknown"}) == BatchPlan(new=[0, 2])


def test_a_refused_reading_does_not_replace_the_reading_before_it() -> None:
    running = job("7", state="RUNNING")
    batch = [job("7", state="RUNNING", elapsed_seconds=7200), job("7", partition="x")]
    assert plan(batch, {running.key: (70, running)}, {1}) == BatchPlan(corrected=[(70, 0)])
    assert plan(batch, {}, {1}) == BatchPlan(new=[0])


def test_a_stored_reading_read_again_the_same_changes_nothing() -> None:
    stored = {job("7").key: (70, job("7"))}
    assert plan([job("7")], stored, none) == BatchPlan(unchanged=1)


def test_a_running_job_read_longer_corrects_its_stored_record() -> None:
    running = job("7", state="RUNNING")
    stored = {running.key: (70, running)}
    assert plan([job("7", elapsed_seconds=7200)], stored, none) == BatchPlan(corrected=[(70, 0)])


def test_a_final_stored_record_is_never_corrected() -> None:
    stored = {job("7").key: (70, job("7"))}
    assert plan([job("7", elapsed_seconds=9)], stored, none) == BatchPlan(unchanged=1)


def test_a_stored_key_read_twice_in_a_batch_is_corrected_once_by_its_last_reading() -> None:
    running = job("7", state="RUNNING")
    batch = [job("7", state="RUNNING", elapsed_seconds=5400), job("7", elapsed_seconds=7200)]
    decided = plan(batch, {running.key: (70, running)}, none)
    assert decided == BatchPlan(corrected=[(70, 1)])


def test_a_new_key_read_twice_is_inserted_once_as_its_last_reading_in_its_first_place() -> None:
    batch = [job("5", state="RUNNING"), job("6"), job("5"), job("5", elapsed_seconds=1)]
    # the second reading of 5 is final: the third changes nothing
    assert plan(batch, {}, none) == BatchPlan(new=[2, 1], unchanged=1)


KEYS = st.sampled_from(["1", "2", "3"])
READINGS = st.lists(
    st.tuples(KEYS, st.sampled_from(["RUNNING", "COMPLETED"]), st.integers(0, 3)), max_size=12
)


@given(
    readings=READINGS,
    stored_states=st.dictionaries(KEYS, st.sampled_from(["RUNNING", "COMPLETED"])),
)
def test_the_plan_keeps_what_reading_one_by_one_keeps(
    readings: list[tuple[str, str, int]], stored_states: dict[str, str]
) -> None:
    """Against the definition: apply `corrected` to each reading in turn, per key."""
    batch = [job(key, state=state, elapsed_seconds=hours * 3600) for key, state, hours in readings]
    stored = {
        job(key).key: (int(key), job(key, state=state)) for key, state in stored_states.items()
    }
    decided = plan(batch, stored, none)
    if not stored and len({r.key for r in batch}) == len(batch):  # the ingest's first reading
        assert decided == BatchPlan(new=list(range(len(batch))))
    kept: dict[RecordKey, UsageRecord | None] = {k: r for k, (_, r) in stored.items()}
    changes = 0
    for record in batch:
        keep = corrected(kept.get(record.key), record)
        if keep is not None:
            kept[record.key] = keep
            changes += 1
    assert decided.unchanged == len(batch) - changes
    written = [batch[i] for i in decided.new] + [batch[i] for _, i in decided.corrected]
    assert {r.key: r for r in written} == {
        k: r
        for k, r in kept.items()
        if r is not None and (k not in stored or r is not stored[k][1])
    }  # every key a reading replaced, even where the last reading equals what is stored
    assert all(stored[batch[i].key][0] == row_id for row_id, i in decided.corrected)
