"""Statements show the premium (partition and dedicated nodes) as an amount of its own.

On SQLite, adding a NOT NULL column rebuilds the table (a new table, a copy, a rename), which
drops the table's triggers; the append-only triggers of 0002 are put back on the two statement
tables afterwards. PostgreSQL adds the columns in place and keeps its triggers.
"""

import importlib
from decimal import Decimal

from django.db import migrations, models

REBUILT = ["billing_statement", "billing_statementline"]


def restore_sqlite_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("aisc.web.billing.migrations.0002_append_only_triggers")
    for table in REBUILT:
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        for sql in triggers.sqlite_sql(table):
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_refuse_truncate")]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="premium_cents",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="statementline",
            name="premium_cents",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="statementline",
            name="premium_price",
            field=models.DecimalField(decimal_places=4, default=Decimal("0"), max_digits=12),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
