"""The audit verbs of allocations, their lifecycle steps, change requests and Slurm syncs: one
constant per verb, named `app.noun.verb`.

Stored audit rows are hash-chained (`aisc audit verify`), so a verb once written is never
rewritten; a new name applies to rows written from then on.
Rows written before the scheme carry the names in
`aisc.web.audit.filters.EARLIER_NAMES`, which the audit filter still finds.
"""


def lifecycle(event: str) -> str:
    """A lifecycle step (activate, suspend, ...): `allocations.allocation.<event>`."""
    return f"allocations.allocation.{event}"


ALLOCATION_CREATE = "allocations.allocation.create"
ALLOCATION_MEMBERS = "allocations.allocation.members"
ALLOCATION_RELEASE = "allocations.allocation.release"
CHANGE_DECIDE = "allocations.change.decide"
CHANGE_REQUEST = "allocations.change.request"
SLURM_APPLY = "allocations.slurm.apply"


def credit(step: str) -> str:
    """A credit step (warn, stop, reopen, expire, carry_over): `allocations.credit.<step>`."""
    return f"allocations.credit.{step}"
