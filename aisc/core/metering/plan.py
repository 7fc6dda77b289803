"""Which readings of a batch are new records, corrections of stored ones, or unchanged.

The ingest's decisions about a batch, made without the database and without calling back: the
caller passes the readings, the stored records of their keys, and the readings it refused (an
unknown account, a chip without a rate), which count as not read. Readings are taken in order:
the last reading of a key wins until its record is final (`records.corrected`), whether the key
was stored before the batch or first read in it.

Most batches are a first reading: no key stored, none read twice. Then every reading that is not
refused is new, in order (a property test holds `plan` to that), so the ingest can tell such a
batch from the set of its keys alone (no loop in Python) and check each reading and make its rows
in one pass, asking `plan` nothing.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field

from aisc.core.metering.records import RecordKey, UsageRecord, corrected

Stored = Mapping[RecordKey, tuple[int, UsageRecord]]  # key -> (stored id, stored record)


@dataclass
class BatchPlan:
    new: list[int] = field(default_factory=list)  # readings to insert, by first reading of a key
    corrected: list[tuple[int, int]] = field(default_factory=list)  # (stored id, reading)
    unchanged: int = 0  # readings that change nothing


def plan(records: Sequence[UsageRecord], stored: Stored, refused: Container[int]) -> BatchPlan:
    """The batch's decisions; readings whose index is in `refused` are passed over."""
    out = BatchPlan()
    fresh: dict[RecordKey, int] = {}  # key not stored -> the reading kept so far
    changed: dict[RecordKey, int] = {}  # stored key -> the reading that replaces it
    for index, record in enumerate(records):
        if index in refused:
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
