"""`aisc demo load`: each app's demo loader, run in this order; each is idempotent."""

from __future__ import annotations

from aisc.web.allocations import demo as allocations_demo
from aisc.web.billing import demo as billing_demo
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.cluster import demo as cluster_demo
from aisc.web.demo import DemoReport, Loader, people
from aisc.web.grants import demo as grants_demo

# A new domain adds one line; everyone needs the people, billing meters what the cluster ran.
LOADERS: list[Loader] = [
    people.load,
    catalogue_demo.load,
    allocations_demo.load,
    grants_demo.load,
    cluster_demo.load,
    billing_demo.load,
]


def load_all() -> DemoReport:
    report = DemoReport()
    for loader in LOADERS:
        loader(report)
    return report
