"""Domain events: how an action in one app has effects in the apps above it, which it may not
import (the layers in pyproject.toml).

The publishing app declares each event in its own `events.py`, with the payload it carries:

    award_approved: Event[AwardApproved] = Event("grants.award.approved")   # aisc.web.grants.events

its `do_*` action publishes it inside its transaction, and each app that acts on it subscribes
in its AppConfig.ready(), one line naming the handler:

    events.award_approved.subscribe(grants_link.on_award_approved)          # allocations/apps.py

so `git grep award_approved` finds the publisher and every subscriber. Handlers run in the
order the apps are installed (INSTALLED_APPS), synchronously and inside the publisher's
transaction: a handler that raises rolls the whole action back, so, for example, an award and
its allocation never disagree. There is no fall-back: an event the platform needs handled names
the apps that must subscribe (`required`), and publishing it before they did is an error rather
than a silent no-op.

A `Port` is the same inversion for a question rather than a fact: a lower app asks it, and the
one app above that knows the answer provides it in its AppConfig.ready(), e.g. allocations'
pages ask `allocations.usage.used_gpu_hours`, which billing provides from its metering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, ParamSpec, TypeVar

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


class Unsubscribed(RuntimeError):
    """An event was published before every app that must handle it had subscribed."""


@dataclass
class Event(Generic[T]):
    name: str
    required: tuple[str, ...] = ()  # labels of the apps whose handler must be there
    handlers: list[tuple[str, Callable[[T], None]]] = field(default_factory=list)

    def subscribe(self, app: str, handler: Callable[[T], None]) -> None:
        """`app` is the subscribing app's label; subscribing twice replaces the handler, so a
        reloaded AppConfig does not run it twice."""
        self.handlers = [(a, h) for a, h in self.handlers if a != app]
        self.handlers.append((app, handler))

    def unsubscribe(self, app: str) -> None:
        self.handlers = [(a, h) for a, h in self.handlers if a != app]

    def publish(self, payload: T) -> None:
        missing = set(self.required) - {app for app, _ in self.handlers}
        if missing:
            raise Unsubscribed(f"{self.name}: no handler from {', '.join(sorted(missing))}")
        for _, handler in self.handlers:
            handler(payload)


@dataclass
class Port(Generic[P, R]):
    name: str
    provider: str  # label of the app that must provide the answer
    answer: Callable[P, R] | None = None

    def provide(self, app: str, answer: Callable[P, R]) -> None:
        if app != self.provider:
            raise ValueError(f"{self.name}: provided by {self.provider}, not {app}")
        self.answer = answer

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.answer is None:
            raise Unsubscribed(f"{self.name}: not provided (by {self.provider}) yet")
        return self.answer(*args, **kwargs)
