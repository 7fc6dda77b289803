"""Applicants choose only the chips the centre offers: it runs nodes of them and prices them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.catalogue.capacity import offered_chips
from aisc.web.grants import actions
from aisc.web.grants.models import Application

pytestmark = pytest.mark.django_db


def test_the_centre_offers_a_chip_with_nodes_and_a_rate_card() -> None:
    # The grants fixtures record H800 and BR104 nodes and price only H800.
    assert offered_chips() == ["h800"]


def test_the_application_form_lists_only_the_offered_chips(
    draft: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).get(f"/grants/applications/{draft.pk}/edit").content.decode()
    select = re.search(r'<select name="chip"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert re.findall(r'<option value="(\w+)"', select.group(1)) == ["h800"]


@pytest.mark.parametrize("chip", ["a100", "br104"])
def test_a_chip_the_centre_does_not_offer_is_refused_naming_the_rule(
    draft: Application, applicant: User, chip: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        actions.do_update_application(acting_user=applicant, application=draft, chip=chip)
    assert caught.value.field == "chip"
    assert caught.value.message == f"the centre does not offer {chip}; choose one of h800"
    draft.refresh_from_db()
    assert draft.chip == "h800"
