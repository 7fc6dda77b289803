"""Events of the audit app (see aisc.web.events).

- recorded: an audit row was written, inside the transaction of the action that wrote it. Every
  do_* action writes one for each object it changes, so an app that keeps something derived from
  those objects (the grants app's rendered grantee page) hears of every change here, whichever
  action made it, and with the action's commit or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisc.web.events import Event


@dataclass(frozen=True)
class Recorded:
    object_type: str  # the audit row's: the model's class name unless the action named another
    verb: str


recorded: Event[Recorded] = Event("audit.event.recorded")
