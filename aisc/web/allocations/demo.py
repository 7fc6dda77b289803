"""Demo allocations: two commercial tenants (one dedicated, holding node h800-02 for itself)
(the grantees' allocations come from the demo awards, through grants' award_approved event).

Sized for the demo catalogue's four nodes (16 h800 and 16 br104 GPUs, aisc.web.catalogue.demo).
Members are the Unix users the Slurm test cluster creates (scripts/slurm-test-cluster), so
`AISC_CLUSTER=slurm aisc slurm apply` works against it as it does against the embedded cluster.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aisc.web.accounts.models import Organisation
from aisc.web.allocations.actions import NewAllocation, do_advance_one, do_create_allocation
from aisc.web.allocations.models import Allocation, CapacityPolicy
from aisc.web.demo import DemoReport

COMMERCIAL = [
    # project code, organisation, chip, GPU-hours, members, dedicated nodes
    ("com-bank-01", "VBK-DEMO", "h800", Decimal(4000), ["carol"], ["h800-02"]),
    ("com-tram-01", "TRM-DEMO", "br104", Decimal(1500), ["dave"], []),
]


@transaction.atomic
def load(report: DemoReport) -> None:
    today = timezone.localdate()
    CapacityPolicy.objects.get_or_create(
        valid_from=dt.date(2024, 10, 7),
        defaults={"overbooking": Decimal("1.20"), "note": "demo: 20% overbooking"},
    )
    for code, org_code, chip, hours, members, nodes in COMMERCIAL:
        if Allocation.objects.filter(project_code=code).exists():
            continue
        organisation = Organisation.objects.get(registration_code=org_code)
        allocation = do_create_allocation(
            NewAllocation(
                project_code=code,
                organisation=organisation,
                parent_account="commercial",
                subsidised=False,
                chip=chip,
                start_date=today.replace(day=1),
                end_date=today.replace(day=1) + dt.timedelta(days=89),
                tranches=[(1, hours, True)],
                members=members,
                dedicated_nodes=nodes,
            ),
            acting_user=None,
        )
        do_advance_one(allocation, today, acting_user=None)
    report.notes.append(
        "Allocations: `aisc slurm plan` shows what Slurm lacks, `aisc slurm apply` provisions it "
        "(embedded cluster by default; AISC_CLUSTER=slurm for the real one)."
    )
