"""Times on pages and lists in each person's own zone: two people in different zones read the
same stored UTC moment as their own local time; the profile chooses the zone (audited); the
centre's rules keep the centre's zone whoever clicks."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from aisc.web.accounts import actions
from aisc.web.accounts.models import ApiToken, Role, User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.UTC)  # 04:30 next day in Hong Kong


def local(at: dt.datetime, zone: str, fmt: str) -> str:
    return at.astimezone(zoneinfo.ZoneInfo(zone)).strftime(fmt)


def test_a_new_person_has_the_centres_zone(make_user: Callable[..., User]) -> None:
    assert make_user().time_zone == "Asia/Hong_Kong"


def test_two_people_in_different_zones_see_a_token_used_at_their_own_local_time(
    make_user: Callable[..., User],
) -> None:
    seen = {}
    for zone in ("Asia/Hong_Kong", "America/New_York"):
        user = make_user(time_zone=zone)
        issued = actions.do_create_api_token(acting_user=user, name="ci", days=30)
        ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=MOMENT)
        client = Client()
        client.force_login(user)
        seen[zone] = client.get("/accounts/tokens/").content.decode()
    assert "2026-03-02 04:30" in seen["Asia/Hong_Kong"]
    assert "2026-03-01 15:30" in seen["America/New_York"]
    assert "2026-03-01 15:30" not in seen["Asia/Hong_Kong"]


def test_two_auditors_in_different_zones_read_the_audit_list_in_their_own_time(
    make_user: Callable[..., User],
) -> None:
    with transaction.atomic():
        record(None, "thing.touch", None, object_type="Thing", object_id="1")
    at = AuditEvent.objects.get(verb="thing.touch").at
    for zone in ("Europe/London", "Australia/Sydney"):
        client = Client()
        client.force_login(make_user(Role.AUDITOR, time_zone=zone))
        page = client.get("/audit/", {"verb": "thing.touch"}).content.decode()
        assert local(at, zone, "%Y-%m-%d %H:%M:%S") in page


def test_the_zone_is_chosen_on_the_profile_and_audited(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    user = make_user()
    client = logged_in(user)
    assert '<option value="Europe/Paris">' in client.get("/accounts/profile/").content.decode()
    response = client.post(
        "/accounts/profile/", {"full_name": "", "language": "en", "time_zone": "Europe/Paris"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Europe/Paris"
    event = AuditEvent.objects.get(verb="accounts.user.update_profile")
    assert (event.before or {})["time_zone"] == "Asia/Hong_Kong"
    assert (event.after or {})["time_zone"] == "Europe/Paris"


def test_an_unknown_zone_is_refused_beside_its_field_and_the_input_kept(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    user = make_user()
    page = logged_in(user).post(
        "/accounts/profile/", {"full_name": "Kept", "language": "en", "time_zone": "Mars/Base"}
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "must be a time zone name such as Asia/Hong_Kong (got Mars/Base)" in text
    assert 'value="Kept"' in text
    user.refresh_from_db()
    assert user.time_zone == "Asia/Hong_Kong"


def test_the_centres_date_does_not_move_with_the_zone_of_whoever_clicks() -> None:
    with timezone.override("Pacific/Pago_Pago"):  # UTC-11: still 1 March there
        assert timezone.localdate(MOMENT) == dt.date(2026, 3, 1)
        assert centre_today(MOMENT) == dt.date(2026, 3, 2)
