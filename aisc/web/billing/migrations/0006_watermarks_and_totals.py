"""Closing a month no longer writes to its charges, and usage totals replace a per-row index.

- Each closed period keeps a watermark (`charges_through`, the highest charge id when it closed)
  instead of every charge pointing at the period that billed it: closing a month of a million
  charges was a million-row UPDATE. Existing periods get the highest id of the charges they billed,
  which reproduces the same assignment (aisc.core.billing.watermarks).
- UsageTotal keeps GPU-seconds per project and chip, filled here from the charges; the
  (project_code, chip) index on charges, which only served those sums, is dropped.
- Charges become append-only, like the ledger: triggers refuse UPDATE and DELETE (corrections
  add delta rows). Usage records may be corrected but never deleted: a trigger refuses DELETE.
  With both, the charge → record foreign key needs no database constraint, which PostgreSQL
  checked with a trigger per inserted charge (half the cost of writing charges).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max, Sum

TABLE = "billing_usagecharge"
RECORDS = "billing_usagerecord"


def carry_over(apps, schema_editor):  # type: ignore[no-untyped-def]
    period_model = apps.get_model("billing", "BillingPeriod")
    charge_model = apps.get_model("billing", "UsageCharge")
    total_model = apps.get_model("billing", "UsageTotal")
    for period in period_model.objects.filter(state="closed"):
        through = charge_model.objects.filter(period=period).aggregate(top=Max("id"))["top"]
        period.charges_through = through or 0
        period.save(update_fields=["charges_through"])
    sums = charge_model.objects.values("project_code", "chip").annotate(seconds=Sum("gpu_seconds"))
    total_model.objects.bulk_create(
        [
            total_model(project_code=s["project_code"], chip=s["chip"], gpu_seconds=s["seconds"])
            for s in sums
        ]
    )


# (table, operations refused); aisc_append_only() is the PostgreSQL function of migration 0002
REFUSED = [(TABLE, ("UPDATE", "DELETE")), (RECORDS, ("DELETE",))]


def pg_trigger(table: str, ops: tuple[str, ...]) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE {' OR '.join(ops)} ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION aisc_append_only()"
    )


def sqlite_trigger(table: str, op: str) -> str:
    return (
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'append-only: {op} on {table} is refused; "
        f"correct usage with a new reading instead'); END"
    )


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, ops in REFUSED:
        for sql in (
            [pg_trigger(table, ops)] if postgres else [sqlite_trigger(table, op) for op in ops]
        ):
            schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table, ops in REFUSED:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            continue
        for op in ops:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_lean_usage_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("project_code", models.CharField(max_length=64)),
                ("chip", models.CharField(max_length=20)),
                ("gpu_seconds", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddConstraint(
            model_name="usagetotal",
            constraint=models.UniqueConstraint(
                fields=("project_code", "chip"), name="one_usage_total"
            ),
        ),
        migrations.AddField(
            model_name="billingperiod",
            name="charges_through",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="usagecharge",
            name="billing_usa_project_78f2c1_idx",
        ),
        migrations.RemoveIndex(
            model_name="usagecharge",
            name="unbilled_charges",
        ),
        migrations.RemoveField(
            model_name="usagecharge",
            name="period",
        ),
        migrations.AddIndex(
            model_name="usagecharge",
            index=models.Index(fields=["month", "id"], name="charges_by_month"),
        ),
        migrations.AlterField(
            model_name="usagecharge",
            name="record",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="charges",
                to="billing.usagerecord",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
