"""Jobs kept in one sorted order as they come and go, for policies whose order key is fixed
while a job waits (attained service, remaining work): adding or removing a job costs a binary
search and a list shift, instead of sorting every waiting job at every scheduling point."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator

from aisc.core.scheduling.model import Job

# (key, submit time, job id): the id, unique, settles every tie.
Entry = tuple[float, float, int]


class OrderedJobs:
    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._jobs: dict[int, tuple[Entry, Job]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, job: Job) -> bool:
        return job.id in self._jobs

    def add(self, job: Job, key: float) -> None:
        """Add `job` with its order key (replacing the entry it had, if any)."""
        self.discard(job)
        entry = (key, job.submit, job.id)
        insort(self._entries, entry)
        self._jobs[job.id] = (entry, job)

    def discard(self, job: Job) -> None:
        found = self._jobs.pop(job.id, None)
        if found is not None:
            del self._entries[bisect_left(self._entries, found[0])]

    def job(self, job_id: int) -> Job:
        return self._jobs[job_id][1]

    def entries(self) -> Iterator[Entry]:
        """The entries in order; do not add or discard while iterating (see `snapshot`)."""
        return iter(self._entries)

    def snapshot(self) -> list[Job]:
        """The jobs in order, as a list that later changes leave alone."""
        jobs = self._jobs
        return [jobs[job_id][1] for *_, job_id in self._entries]
