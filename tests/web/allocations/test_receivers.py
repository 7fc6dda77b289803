"""An award approved through grants' own decision creates its allocation; a released tranche
raises the budget Slurm enforces; a refused allocation rolls the decision back."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.allocations import cluster, sync
from aisc.web.allocations.grants_link import unix_name
from aisc.web.allocations.models import Allocation
from aisc.web.catalogue.models import Node
from aisc.web.grants import actions as grants
from aisc.web.grants.actions.awards import release_tranche
from aisc.web.grants.actions.decisions import DecisionInput
from aisc.web.grants.models import Application, Award


def h800_minutes(project_code: str) -> int:
    budget = dict(cluster.adapter().read_state().accounts[project_code].grp_tres_mins)
    return budget["gres/gpu:h800"]


def approve(application: Application, committee: User, **changes: Any) -> Award:
    decision = DecisionInput(outcome="approve", members_present=[committee], **changes)
    grants.do_decide(acting_user=committee, application=application, decision=decision)
    return Award.objects.get(application=application)


def test_an_approved_award_becomes_an_allocation_under_its_call(
    reviewed: Application, committee: User
) -> None:
    award = approve(reviewed, committee)
    allocation = Allocation.objects.get(project_code=award.project_code)
    assert allocation.award == award
    assert allocation.parent_account == "c2026a"
    assert allocation.subsidised
    assert (allocation.start_date, allocation.end_date) == (award.start_date, award.end_date)
    assert list(allocation.members.values_list("username", flat=True)) == ["applicant"]
    released = allocation.lines.filter(released=True)
    first = award.tranches.order_by("seq")[0]
    assert [(line.tranche_seq, line.gpu_hours) for line in released] == [(1, first.gpu_hours)]
    assert sum(line.gpu_hours for line in allocation.lines.all()) == award.gpu_hours


def test_a_released_tranche_raises_the_slurm_budget(reviewed: Application, committee: User) -> None:
    award = approve(reviewed, committee)
    Allocation.objects.filter(pk=award.allocation.pk).update(status="active")
    sync.apply()
    before = h800_minutes(award.project_code)
    second = award.tranches.order_by("seq")[1]
    release_tranche(committee, second, second.award.created_at)
    sync.apply()
    assert h800_minutes(award.project_code) - before == int(second.gpu_hours * 60)


def test_an_award_beyond_capacity_rolls_the_decision_back(
    reviewed: Application, committee: User
) -> None:
    # one h800 node (8 GPUs) left: the application's 16 GPUs for 6 months cannot fit
    Node.objects.filter(name="h800-02").delete()
    with pytest.raises(RuleViolation, match="above the limit"):
        approve(reviewed, committee)
    reviewed.refresh_from_db()
    assert not Award.objects.exists()
    assert not Allocation.objects.exists()
    assert reviewed.status != "approved"


def test_with_no_nodes_on_record_an_award_is_refused_naming_the_chip(
    reviewed: Application, committee: User
) -> None:
    # A fresh install that has not described its cluster: nothing can be allocated.
    Node.objects.all().delete()
    with pytest.raises(RuleViolation, match="the catalogue has no h800 nodes") as info:
        approve(reviewed, committee)
    assert info.value.field == "chip"
    assert not Award.objects.exists()
    assert not Allocation.objects.exists()


def test_unix_names_are_guessed_from_the_email() -> None:
    assert unix_name("Alex.Chan@hku.hk") == "alex-chan"
    assert unix_name("__@x") == "user"


def test_each_award_is_allocated_once(
    reviewed: Application, committee: User, make_user: Callable[..., User]
) -> None:
    from aisc.web.allocations.grants_link import do_create_allocation_from_award

    award = approve(reviewed, committee)
    again = do_create_allocation_from_award(award, acting_user=None)
    assert again == Allocation.objects.get()
    assert again.lines.count() == award.tranches.count()
    assert Decimal(again.gpu_hours) == award.tranches.get(seq=1).gpu_hours
