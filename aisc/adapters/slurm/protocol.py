"""The one interface the rest of aisc uses to talk to Slurm."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aisc.core.allocations.slurmstate import Change, SlurmState


@dataclass(frozen=True)
class Node:
    name: str
    partition: str
    chip: str  # the GRES type of its GPUs, "" for a node without GPUs
    gpus: int
    state: str


class SlurmAdapter(Protocol):
    def read_state(self) -> SlurmState:
        """aisc's part of Slurm: the account subtree under ROOT_ACCOUNT, its users, and the
        QOS and reservations named with PREFIX."""
        ...

    def apply(self, change: Change) -> None:
        """Carry out one change; raises SlurmCommandFailed or SlurmUnreachable."""
        ...

    def active_jobs(self, account: str) -> int:
        """Jobs of the account that are pending or running."""
        ...

    def cancel_jobs(self, account: str) -> None:
        """Cancel the account's jobs and wait until they are gone (only for --force)."""
        ...

    def gpu_types(self) -> frozenset[str]:
        """Chip codes whose typed GRES (gres/gpu:CHIP) Slurm accounts for."""
        ...

    def nodes(self) -> list[Node]: ...

    def sacct(self, args: list[str]) -> str:
        """Raw `sacct ARGS` output, for the usage parser (aisc.adapters.slurm.usage)."""
        ...
