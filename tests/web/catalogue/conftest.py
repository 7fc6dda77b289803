from typing import Any

import pytest

from aisc.web.catalogue import demo
from aisc.web.demo import DemoReport


@pytest.fixture
def centre(db: Any) -> DemoReport:
    """The demo catalogue: cluster aisc-hk, 2 h800 and 2 br104 nodes, cards and rates."""
    report = DemoReport()
    demo.load(report)
    return report
