"""The domain-event registry (aisc.web.events): the order handlers run in, and no silent
fall-back when an app that must handle an event has not subscribed."""

import pytest

from aisc.web.events import Event, Unsubscribed
from aisc.web.grants.events import award_approved, tranche_released


def test_handlers_run_in_the_order_apps_subscribed() -> None:
    seen: list[str] = []
    event: Event[int] = Event("test.thing.happened")
    event.subscribe("first", lambda n: seen.append(f"first {n}"))
    event.subscribe("second", lambda n: seen.append(f"second {n}"))
    event.publish(7)
    assert seen == ["first 7", "second 7"]


def test_subscribing_again_replaces_the_apps_handler_instead_of_running_it_twice() -> None:
    seen: list[str] = []
    event: Event[int] = Event("test.thing.happened")
    event.subscribe("app", lambda n: seen.append("old"))
    event.subscribe("app", lambda n: seen.append("new"))
    event.publish(1)
    assert seen == ["new"]


def test_publishing_before_a_required_app_subscribed_is_an_error_naming_the_app() -> None:
    event: Event[int] = Event("test.thing.happened", required=("billing", "allocations"))
    event.subscribe("billing", lambda n: None)
    with pytest.raises(Unsubscribed, match=r"test\.thing\.happened: no handler from allocations"):
        event.publish(1)


def test_the_installed_apps_subscribe_to_grants_events() -> None:
    assert {app for app, _ in award_approved.handlers} >= {"allocations", "billing"}
    assert {app for app, _ in tranche_released.handlers} >= {"allocations"}
