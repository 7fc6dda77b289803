"""Closing a month no longer writes to its charges, and usage totals replace a per-row index.

- Each closed period keeps a watermark (`charges_through`, the highest charge id when it closed)
  instead of every charge pointing at the period that billed it: closing a month of a million
  charges was a million-row UPDATE. Existing periods get the highest id of the charges they billed,
  which reproduces the same assignment (aisc.core.billing.watermarks).
- UsageTotal keeps GPU-seconds per project and chip, filled here from the charges; the
  (project_code, chip) index on charges, which only served those sums, is dropped.
- Charges become append-only, like the ledger: triggers refuse UPDATE and DELETE (corrections
  add delta rows).
"""

from django.db import migrations, models
from django.db.models import Max, Sum

TABLE = "billing_usagecharge"


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


PG_TRIGGER = (
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION aisc_append_only()"  # the function of migration 0002
)


def sqlite_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER {TABLE}_no_{op.lower()} BEFORE {op} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, 'append-only: {op} on {TABLE} is refused; "
        f"add a correcting charge instead'); END"
        for op in ("UPDATE", "DELETE")
    ]


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in [PG_TRIGGER] if postgres else sqlite_triggers():
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        return
    for op in ("update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{op}")


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
        migrations.RunPython(create_triggers, drop_triggers),
    ]
