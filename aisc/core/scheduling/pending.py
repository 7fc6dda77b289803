"""The pending queue of the multifactor policies, in priority order, at a cost per scheduling
pass that does not grow with the queue.

Slurm recalculates every pending job's priority each PriorityCalcPeriod and ranks its queue by
it (ties: older first, then lower id); between recalculations a priority changes only when a
job is submitted. So the queue keeps:
- each pending job's priority factors in numpy columns indexed by a slot (a slot is reused once
  its job has left and a recalculation has dropped it), so a recalculation is a few vector
  operations and one stable sort of the priorities over the jobs in (submit, id) order;
- the order of that recalculation as arrays, turned into Python objects only as far as a pass
  walks (the main loop stops after `default_queue_depth` jobs, backfill after
  `bf_max_job_test`);
- the jobs submitted since, in a short sorted list merged in while walking;
- jobs that left (started or withdrawn) as empty slots, skipped while walking and dropped at the
  next recalculation (a job that comes back before then gets a new slot).
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from aisc.core.scheduling.model import Job
from aisc.core.scheduling.priority import PriorityCalculator

# (-priority, submit, id, slot): tuples compare as the queue order (ids are unique).
Key = tuple[float, float, int, int]
FIRST_CHUNK = 256  # ranked entries turned into Python objects at a time (then doubling)
RADIX_SPAN = 1 << 16  # whole priorities spanning less than this sort as uint16 (radix sort)


def empty(dtype: type, size: int = 0) -> npt.NDArray[np.generic]:
    return np.zeros(size, dtype=dtype)


class PendingQueue:
    def __init__(self, calculator: PriorityCalculator) -> None:
        self.calculator = calculator
        size = 64
        self._submit = empty(np.float64, size)
        self._static = empty(np.float64, size)
        self._code = empty(np.int64, size)
        self._id = empty(np.int64, size)
        self._alive = empty(np.bool_, size)
        self._job_at: list[Job | None] = [None] * size
        self._free = list(range(size - 1, -1, -1))  # popped from the end: lowest slot first
        self._slot_of: dict[int, int] = {}  # job id -> slot, for every pending job
        self._left: list[int] = []  # slots emptied since the last recalculation
        self._names: dict[str, int] = {}  # project -> code
        # Slots in (submit, id) order as of the last recalculation, and those added since.
        self._arrival = empty(np.int64)
        self._added: list[int] = []
        # The last recalculation's order: slots and their keys, and the part of it made Python.
        self._ranked_slot = empty(np.int64)
        self._ranked_neg = empty(np.float64)
        self._ranked_submit = empty(np.float64)
        self._ranked_id = empty(np.int64)
        self._keys: list[Key] = []
        self._head = 0  # every ranked entry before it has left
        self._fresh: list[Key] = []  # submitted since, sorted

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, job: Job) -> bool:
        return job.id in self._slot_of

    def add(self, job: Job, now: float, fairshare: dict[str, float]) -> None:
        """Queue `job` with its priority now (Slurm sets it at submission from the fair-share
        factors of the last recalculation)."""
        calc = self.calculator
        static = calc.static_part(job)
        priority = calc.priority(job, now, fairshare, static)
        if not self._free:
            self._grow()
        slot = self._free.pop()
        code = self._names.setdefault(job.project, len(self._names))
        self._submit[slot], self._static[slot] = job.submit, static
        self._code[slot], self._id[slot], self._alive[slot] = code, job.id, True
        self._job_at[slot] = job
        self._slot_of[job.id] = slot
        self._added.append(slot)
        insort(self._fresh, (-priority, job.submit, job.id, slot))

    def discard(self, job: Job) -> bool:
        """Take `job` out of the queue; False if it was not in it. Safe while walking."""
        slot = self._slot_of.pop(job.id, None)
        if slot is None:
            return False
        self._job_at[slot] = None
        self._alive[slot] = False
        self._left.append(slot)
        return True

    def reorder(self, now: float, fairshare: dict[str, float]) -> None:
        """Recalculate every pending job's priority and rank the queue by it."""
        self._free.extend(self._left)
        self._left = []
        arrival = np.concatenate((self._arrival, np.array(self._added, dtype=np.int64)))
        arrival = arrival[self._alive[arrival]]
        self._added = []
        submit, ids = self._submit[arrival], self._id[arrival]
        if not in_submit_order(submit, ids):  # a job came back late (allocation limits)
            by_age = np.lexsort((ids, submit))
            arrival, submit, ids = arrival[by_age], submit[by_age], ids[by_age]
        self._arrival = arrival
        fs = np.array([fairshare.get(name, 0.0) for name in self._names], dtype=np.float64)
        priority = self.calculator.priorities(
            submit, self._static[arrival], fs[self._code[arrival]], now
        )
        order = rank_order(priority, whole=self.calculator.whole)
        self._ranked_slot = arrival[order]
        self._ranked_neg = -priority[order]
        self._ranked_submit = submit[order]
        self._ranked_id = ids[order]
        self._keys = []
        self._head = 0
        self._fresh = []

    def __iter__(self) -> Iterator[Job]:
        """The pending jobs in priority order; stop early, the rest is never made Python."""
        keys, job_at, fresh = self._keys, self._job_at, self._fresh
        # `_more` is called only at the end of the keys made so far: a call per job walked
        # would cost more than the walk's own work
        head = self._head
        while (head < len(keys) or self._more()) and job_at[keys[head][3]] is None:
            head += 1
        self._head = head
        k, i = 0, head
        while i < len(keys) or self._more():
            entry = keys[i]
            while k < len(fresh) and fresh[k] < entry:
                job = job_at[fresh[k][3]]
                k += 1
                if job is not None:
                    yield job
            job = job_at[entry[3]]
            if job is not None:
                yield job
            i += 1
        for *_, slot in fresh[k:]:
            job = job_at[slot]
            if job is not None:
                yield job

    def _more(self) -> bool:
        """Make Python keys of the ranked order's next entries; False when it has no more."""
        keys = self._keys
        start = len(keys)
        if start >= len(self._ranked_slot):
            return False
        stop = start + max(FIRST_CHUNK, start)
        keys.extend(
            zip(
                self._ranked_neg[start:stop].tolist(),
                self._ranked_submit[start:stop].tolist(),
                self._ranked_id[start:stop].tolist(),
                self._ranked_slot[start:stop].tolist(),
                strict=True,
            )
        )
        return True

    def _grow(self) -> None:
        size = len(self._job_at)
        self._submit = np.concatenate((self._submit, empty(np.float64, size)))
        self._static = np.concatenate((self._static, empty(np.float64, size)))
        self._code = np.concatenate((self._code, empty(np.int64, size)))
        self._id = np.concatenate((self._id, empty(np.int64, size)))
        self._alive = np.concatenate((self._alive, empty(np.bool_, size)))
        self._job_at.extend([None] * size)
        self._free.extend(range(2 * size - 1, size - 1, -1))


def in_submit_order(submit: npt.NDArray[np.float64], ids: npt.NDArray[np.int64]) -> bool:
    """Whether (submit, id) strictly increases along the arrays."""
    later = submit[1:] > submit[:-1]
    same = (submit[1:] == submit[:-1]) & (ids[1:] > ids[:-1])
    return bool(np.all(later | same))


def rank_order(priority: npt.NDArray[np.float64], *, whole: bool) -> npt.NDArray[np.intp]:
    """Positions by priority, highest first, equal priorities in their given order (a stable
    sort). Whole priorities within a span of 2^16 sort as uint16, by radix sort."""
    if whole and len(priority):
        low, top = float(priority.min()), float(priority.max())
        if top - low < RADIX_SPAN:
            return np.argsort((top - priority).astype(np.uint16), kind="stable")
    return np.argsort(-priority, kind="stable")
