"""Verbs renamed to the `app.noun.verb` scheme: rows written under an earlier name are never
rewritten (the hash chain covers the verb), and the audit filter still finds them by the name
the verb has now."""

import pytest

from aisc.core.allocations.lifecycle import TRANSITIONS
from aisc.web.accounts import verbs as accounts_verbs
from aisc.web.allocations import verbs as allocations_verbs
from aisc.web.audit.filters import EARLIER_NAMES, AuditFilter, apply_filter
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record, verify

pytestmark = pytest.mark.django_db


def test_every_verb_constant_follows_app_noun_verb() -> None:
    for module in (accounts_verbs, allocations_verbs):
        for name, value in vars(module).items():
            if name.isupper():
                assert value.split(".")[0] == module.__name__.split(".")[2], value
                assert len(value.split(".")) == 3, value


def test_each_earlier_name_maps_from_a_verb_in_use() -> None:
    in_use = {
        value
        for module in (accounts_verbs, allocations_verbs)
        for name, value in vars(module).items()
        if name.isupper()
    }
    steps = {allocations_verbs.lifecycle(e) for moves in TRANSITIONS.values() for e in moves}
    assert set(EARLIER_NAMES) <= in_use | steps


def test_the_filter_finds_rows_stored_under_the_earlier_name_and_the_chain_still_verifies() -> None:
    record(None, "user.create", None, object_type="User", object_id="1", after={"email": "a"})
    record(None, accounts_verbs.USER_CREATE, None, object_type="User", object_id="2", after={})
    record(None, "grants.call.create", None, object_type="Call", object_id="3", after={})
    found = apply_filter(AuditEvent.objects.all(), AuditFilter(verb="accounts.user"))
    assert sorted(found.values_list("object_id", flat=True)) == ["1", "2"]
    assert verify() is None
