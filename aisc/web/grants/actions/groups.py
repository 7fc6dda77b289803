"""Groups of related organisations, which a scheme's group caps treat as one; kept by the
secretariat, every change audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
from aisc.web.grants.models import RelatedGroup


@transaction.atomic
def do_save_related_group(
    *, acting_user: User | None, name: str, organisations: Sequence[Organisation]
) -> RelatedGroup:
    """Create the group of that name, or set who is in it."""
    if not name.strip():
        raise RuleViolation(gettext_noop("give the group a name"), field="name")
    if len({o.pk for o in organisations}) < 2:
        raise RuleViolation(
            gettext_noop("a group relates at least two organisations"), field="organisations"
        )
    group, created = RelatedGroup.objects.select_for_update().get_or_create(name=name.strip())
    before = sorted(group.organisations.values_list("name_en", flat=True)) if not created else None
    group.organisations.set(organisations)
    record(
        acting_user,
        verbs.RELATED_GROUP_SAVE,
        group,
        before={"organisations": before} if before is not None else None,
        after={"name": group.name, "organisations": sorted(o.name_en for o in organisations)},
    )
    return group
