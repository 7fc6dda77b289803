"""Fewer indexes on usage, the tables a million-record ingest writes (docs/benchmarks.md, Billing).

Dropped: UsageRecord.job_id and .account (the ingest looks records up by the unique key, nothing
reads by account) and UsageCharge.period (nothing looks charges up by period). The (period, month)
index becomes a partial index of unbilled rows by month: closing a month takes its rows out of it
rather than moving each to a new key.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_premiums"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="usagecharge",
            name="billing_usa_period__d64262_idx",
        ),
        migrations.RemoveIndex(
            model_name="usagerecord",
            name="billing_usa_job_id_fa7735_idx",
        ),
        migrations.AlterField(
            model_name="usagecharge",
            name="period",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="charges",
                to="billing.billingperiod",
            ),
        ),
        migrations.AlterField(
            model_name="usagerecord",
            name="account",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="usagecharge",
            index=models.Index(
                condition=models.Q(("period__isnull", True)),
                fields=["month"],
                name="unbilled_charges",
            ),
        ),
    ]
