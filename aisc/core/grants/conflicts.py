"""Conflict-of-interest detection between a reviewer and an application's organisation.

A conflict is found automatically when the reviewer belongs to the applicant organisation, or
when a line of the reviewer's declared relationships names it (by registration code or name,
ignoring case and surrounding blanks). A reviewer may also declare one by hand; that is recorded
on the review assignment, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OrgRef:
    pk: int
    code: str
    names: tuple[str, ...]  # English and Chinese names

    def labels(self) -> frozenset[str]:
        return frozenset(n.strip().casefold() for n in (self.code, *self.names) if n.strip())


def declared_lines(text: str) -> frozenset[str]:
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def find_conflict(
    *, reviewer_org_ids: Iterable[int], declared: str, applicant: OrgRef
) -> str | None:
    """The reason for a conflict, or None when there is none."""
    if applicant.pk in set(reviewer_org_ids):
        return "the reviewer is a member of the applicant organisation"
    if declared_lines(declared) & applicant.labels():
        return "the reviewer declared a relationship with the applicant organisation"
    return None
