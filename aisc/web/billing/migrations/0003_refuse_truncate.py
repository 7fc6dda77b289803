"""The append-only tables also refuse TRUNCATE on PostgreSQL: a BEFORE TRUNCATE statement trigger.

Row triggers (0002) do not fire on TRUNCATE, which empties a table without deleting its rows one
by one. The trigger refuses a TRUNCATE that would remove rows; emptying a table that holds none
loses nothing and stays allowed, which Django's test flush (a TRUNCATE of every table) relies on.
A TRUNCATE ... CASCADE from a referencing table fires the trigger of every table it empties.

SQLite has no TRUNCATE statement: its nearest, `DELETE FROM table` with no WHERE, skips the
per-row work only when the table has no triggers, so there 0002's DELETE trigger refuses it.
"""

from django.db import migrations

TABLES = [
    "billing_ledgerentry",
    "billing_ledgerposting",
    "billing_statement",
    "billing_statementline",
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION aisc_refuse_truncate() RETURNS trigger AS $$
DECLARE
    has_rows boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO has_rows;
    IF has_rows THEN
        RAISE EXCEPTION 'append-only: TRUNCATE on % is refused; post a reversing entry instead',
            TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: no TRUNCATE (see above)
    schema_editor.execute(PG_FUNCTION, params=None)  # no placeholders: format() uses a literal %
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION aisc_refuse_truncate()"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS aisc_refuse_truncate()")


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_append_only_triggers")]
    operations = [migrations.RunPython(create, drop)]
