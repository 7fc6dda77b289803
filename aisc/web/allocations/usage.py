"""GPU-hours used per chip, for the grantee's page and the budget check on a top-up.

Billing meters usage and stands above allocations, so it answers the question: it provides
`aisc.web.billing.ingest.metered.used_gpu_hours` to this port in BillingConfig.ready()
(a Port, aisc.web.events).
"""

from __future__ import annotations

from decimal import Decimal

from aisc.web.events import Port

# project code -> GPU-hours metered so far per chip
used_gpu_hours: Port[[str], dict[str, Decimal]] = Port("allocations.used_gpu_hours", "billing")
