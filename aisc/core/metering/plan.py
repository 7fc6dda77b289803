"""Which readings of a batch are new records, corrections of stored ones, unchanged, or refused.

The ingest's decisions about a batch, made without the database: the caller looks up the stored
records of the batch's keys and passes a check that names why a reading cannot be billed (an
unknown account, a chip without a rate); the plan says what to write. Readings are taken in order:
the last reading of a key wins until its record is final (`records.corrected`), whether the key
was stored before the batch or first read in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aisc.core.metering.records import RecordKey, UsageRecord, corrected

Stored = Mapping[RecordKey, tuple[int, UsageRecord]]  # key -> (stored id, stored record)
Problem = Callable[[int], "str | None"]  # index of a reading -> why it is refused, or None


@dataclass
class BatchPlan:
    new: list[int] = field(default_factory=list)  # readings to insert, by first reading of a key
    corrected: list[tuple[int, int]] = field(default_factory=list)  # (stored id, reading)
    unchanged: int = 0  # readings that change nothing
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (reading, why), in order


def plan(records: Sequence[UsageRecord], stored: Stored, problem: Problem) -> BatchPlan:
    """The batch's decisions; `problem` is asked once about every reading, in order."""
    out = BatchPlan()
    fresh: dict[RecordKey, int] = {}  # key not stored -> the reading kept so far
    changed: dict[RecordKey, int] = {}  # stored key -> the reading that replaces it
    for index, record in enumerate(records):
        why = problem(index)
        if why is not None:
            out.rejected.append((index, why))
            continue
        key = (record.cluster, record.job_id, record.submit)
        before: UsageRecord | None
        if key in stored:
            kept = changed.get(key)
            before = stored[key][1] if kept is None else records[kept]
            into = changed
        else:
            kept = fresh.get(key)
            before = None if kept is None else records[kept]
            into = fresh
        if before is not None and corrected(before, record) is None:
            out.unchanged += 1
        else:  # a key not seen before is new: corrected(None, record) is the record
            into[key] = index
    out.new = list(fresh.values())
    out.corrected = [(stored[key][0], index) for key, index in changed.items()]
    return out
