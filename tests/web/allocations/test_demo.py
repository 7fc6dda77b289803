"""The allocations demo loader (aisc/web/allocations/demo.py): two commercial tenants on the demo
catalogue, one holding node h800-02 for itself, both active from the first of this month; a 20 %
overbooking policy; loading again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aisc.web.allocations import demo
from aisc.web.allocations.models import Allocation, CapacityPolicy
from aisc.web.audit.models import AuditEvent
from aisc.web.demo import DemoReport, people


@pytest.fixture
def report(db: None) -> DemoReport:
    """People first (the tenants' organisations), then the allocations; the catalogue's nodes
    come from the directory's embedded cluster."""
    loaded = DemoReport()
    people.load(loaded)
    demo.load(loaded)
    return loaded


def test_it_creates_both_commercial_tenants_active_from_the_first_of_the_month(
    report: DemoReport,
) -> None:
    first = timezone.localdate().replace(day=1)
    tenants = {a.project_code: a for a in Allocation.objects.all()}
    assert set(tenants) == {"com-bank-01", "com-tram-01"}
    for allocation in tenants.values():
        assert (allocation.start_date, allocation.end_date) == (
            first,
            first + dt.timedelta(days=89),
        )
        assert allocation.status == "active"
        assert (allocation.parent_account, allocation.subsidised) == ("commercial", False)


def test_the_bank_holds_a_dedicated_node_and_the_tramways_share(report: DemoReport) -> None:
    bank = Allocation.objects.get(project_code="com-bank-01")
    tram = Allocation.objects.get(project_code="com-tram-01")
    assert (bank.organisation.registration_code, bank.dedicated_nodes) == ("VBK-DEMO", ["h800-02"])
    assert (tram.organisation.registration_code, tram.dedicated_nodes) == ("TRM-DEMO", [])
    assert list(bank.members.values_list("username", flat=True)) == ["carol"]
    assert [(line.chip, line.gpu_hours, line.released) for line in tram.lines.all()] == [
        ("br104", Decimal("1500.00"), True)
    ]


def test_it_sets_a_twenty_percent_overbooking_policy(report: DemoReport) -> None:
    policy = CapacityPolicy.objects.get(valid_from=dt.date(2024, 10, 7))
    assert policy.overbooking == Decimal("1.20")


def test_it_tells_the_reader_how_to_provision_slurm(report: DemoReport) -> None:
    assert any("aisc slurm apply" in note for note in report.notes)


def test_loading_again_creates_and_audits_nothing_more(report: DemoReport) -> None:
    counts = (Allocation.objects.count(), CapacityPolicy.objects.count())
    rows = AuditEvent.objects.count()
    demo.load(DemoReport())
    assert (Allocation.objects.count(), CapacityPolicy.objects.count()) == counts
    assert AuditEvent.objects.count() == rows
