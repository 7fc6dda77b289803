"""Reference data (the rows data migrations seed) is there for every test, whatever committed and
flushed before it in the same process (tests/reference_data.py, tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from aisc.core.catalogue.chips import CHIPS
from aisc.web.accounts.models import Role, User
from aisc.web.catalogue.models import ChipModel
from aisc.web.grants.models import GranteeListVersion
from tests.reference_data import seed_reference_data

SEVEN_ROLES = {"reviewer", "committee", "secretariat", "operator", "finance", "auditor", "admin"}


@pytest.mark.django_db(transaction=True)
def test_a_flush_removes_the_seeded_rows_and_seeding_again_brings_every_one_back() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert not Role.objects.exists()
    assert not ChipModel.objects.exists()
    seed_reference_data()
    seed_reference_data()  # a second time changes nothing
    assert set(Role.objects.values_list("code", flat=True)) == SEVEN_ROLES
    assert Role.objects.count() == len(SEVEN_ROLES)
    assert set(ChipModel.objects.values_list("code", flat=True)) == set(CHIPS)
    assert list(GranteeListVersion.objects.values_list("pk", flat=True)) == [1]


# In one process these two run in this order (both commit): the second starts after the flush
# that ended the first, and still finds the roles.
@pytest.mark.django_db(transaction=True)
def test_a_committing_test_gives_a_user_a_seeded_role() -> None:
    user = User.objects.create_user(email="committed@example.hk", password="!")
    user.roles.set(Role.objects.filter(code="reviewer"))
    assert list(user.roles.values_list("code", flat=True)) == ["reviewer"]


@pytest.mark.django_db(transaction=True)
def test_the_next_committing_test_still_sees_the_roles_after_the_flush() -> None:
    assert set(Role.objects.values_list("code", flat=True)) == SEVEN_ROLES


@pytest.mark.django_db
def test_a_test_in_a_rolled_back_transaction_sees_the_roles() -> None:
    assert Role.objects.filter(code="admin").exists()
