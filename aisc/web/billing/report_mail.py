"""The centre analytics report of the past month, mailed to the staff who asked for it.

A staff member who may see the centre analytics ticks "the centre analytics report of each past
month by mail" on their profile (an audited profile change). `aisc worker` runs `send_due`
hourly: once the centre's local month has ended, each of them gets that month's report once
(a ReportMail row, written in the transaction that queues the mail on the outbox), in their
language, or in their daily digest if they chose one. Someone who asks mid-month gets the last
month's report at the next run; someone who lost the role since gets nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.metering.split import Month
from aisc.web import notify
from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.billing import analytics as centre
from aisc.web.billing.models import ReportMail

TASK = "billing.analytics_report"
EVERY_SECONDS = 3600
TEMPLATE = "billing/mail/analytics_report.txt"
SUBJECT = _("AISC centre analytics for %(month)s")


def past_month(now: dt.datetime, tz: zoneinfo.ZoneInfo) -> str:
    """The centre's local month before the one `now` falls in, as YYYY-MM."""
    this_month = Month.of(now, tz)
    return str(Month.of(this_month.start(tz) - dt.timedelta(seconds=1), tz))


def send_due(now: dt.datetime | None = None) -> int:
    """Queue the past month's report for everyone who asked and has not had it; the number
    queued."""
    month = past_month(now or timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    asked = User.objects.filter(is_active=True, analytics_report_mail=True).exclude(
        analytics_reports__month=month
    )
    context: dict[str, Any] | None = None
    queued = 0
    for user in asked.order_by("pk"):
        if not authz.can(user, "billing.analytics.view"):
            continue  # asked while they held a role that sees the analytics; no longer
        context = context or report_context(month)
        with transaction.atomic():
            _row, created = ReportMail.objects.get_or_create(user=user, month=month)
            if created:
                notify.send(user, SUBJECT, TEMPLATE, context, params={"month": month})
                queued += 1
    return queued


def report_context(month: str) -> dict[str, Any]:
    """The month's analytics as the mail shows them: numbers grouped by thousands."""
    data = centre.report(centre.Filters(month, month))
    by_org = [
        {"name": row["organisation"], "hours": f"{row['gpu_hours']:,.1f}"}
        for row in sorted(data["gpu_hours"], key=lambda r: (-r["gpu_hours"], r["organisation"]))
    ]
    partitions = [
        {
            "partition": row["partition"],
            "hours": f"{row['gpu_hours']:,.1f}",
            "capacity": f"{row['capacity_gpu_hours']:,}",
            "share": "-" if row["utilization"] is None else f"{row['utilization']:.1%}",
        }
        for row in data["utilisation_by_partition"]
    ]
    query = f"?start={month}&end={month}"
    return {
        "month": month,
        "total": f"{sum(row['gpu_hours'] for row in data['gpu_hours']):,.1f}",
        "by_org": by_org,
        "partitions": partitions,
        "waits": [row for row in data["waits_by_gang"] if row["jobs"]],
        "top_users": [{**row, "hours": f"{row['gpu_hours']:,.1f}"} for row in data["top_users"]],
        "approval_days": data["approval_days"],
        "link": settings.CONFIG.public_url.origin + reverse("billing:analytics") + query,
    }
