"""The demo centre: `aisc demo load` runs each loader in order; each is idempotent."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo prints it on purpose


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)
    notes: list[str] = field(default_factory=list)


Loader = Callable[[DemoReport], None]

# Modules with a `load(report)` function, run in this order. A new domain adds one line.
LOADERS: list[str] = [
    "aisc.web.demo.people",
    "aisc.web.catalogue.demo",
    "aisc.web.allocations.demo",
    "aisc.web.grants.demo",
    "aisc.web.cluster.demo",
    "aisc.web.billing.demo",
]


def load_all() -> DemoReport:
    report = DemoReport()
    for module in LOADERS:
        loader: Loader = importlib.import_module(module).load
        loader(report)
    return report
