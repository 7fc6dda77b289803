"""Who may do what with allocations. Operators run them; members of the holding organisation
see theirs and ask for changes; auditors see everything by the role-wide rule."""

from typing import Any

from aisc.web.accounts.authz import admin_of, has_roles, member_of, rule
from aisc.web.accounts.models import Role, User

operators = has_roles(Role.OPERATOR)


def _organisation_member(user: User, obj: Any) -> bool:
    return obj is not None and member_of(user, obj.organisation_id)


rule("allocations.view")(
    lambda user, obj: (
        user.has_role(Role.OPERATOR, Role.FINANCE, Role.SECRETARIAT)
        or _organisation_member(user, obj)
    )
)
rule("allocations.list.view")(has_roles(Role.OPERATOR, Role.FINANCE, Role.SECRETARIAT))
rule("allocations.capacity.view")(has_roles(Role.OPERATOR, Role.SECRETARIAT, Role.COMMITTEE))
rule("allocations.reservations.view")(operators)
rule("allocations.manage")(operators)


def _change_decider(user: User, obj: Any) -> bool:
    """Operators decide every change; the secretariat, which keeps the scheme's money, decides
    the chip exchanges inside an award (the object is the change request)."""
    if user.has_role(Role.OPERATOR):
        return True
    return (
        user.has_role(Role.SECRETARIAT)
        and obj is not None
        and obj.kind == "exchange"
        and obj.allocation.award_id is not None
    )


rule("allocations.change.decide")(_change_decider)
rule("allocations.change.request")(
    lambda user, obj: obj is not None and admin_of(user, obj.organisation_id)
)
rule("allocations.slurm.apply")(operators)
rule("allocations.mine.view")(
    lambda user, obj: (
        user.memberships.exists()
        and not user.has_role(Role.OPERATOR, Role.FINANCE, Role.SECRETARIAT)
    )
)
