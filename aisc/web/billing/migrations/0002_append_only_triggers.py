"""The ledger and closed statements refuse UPDATE and DELETE in the database itself.

A trigger per table and operation, on SQLite and on PostgreSQL. Row-level triggers do not fire on
TRUNCATE; production grants the application role no TRUNCATE on these tables.
"""

from django.db import migrations

TABLES = [
    "billing_ledgerentry",
    "billing_ledgerposting",
    "billing_statement",
    "billing_statementline",
]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION aisc_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only: % on % is refused; post a reversing entry instead',
        TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql
"""


def sqlite_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'append-only: {op} on {table} is refused; "
        f"post a reversing entry instead'); END"
        for op in ("UPDATE", "DELETE")
    ]


def pg_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION aisc_append_only()"
    ]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    statements = [PG_FUNCTION] if vendor == "postgresql" else []
    for table in TABLES:
        statements += pg_sql(table) if vendor == "postgresql" else sqlite_sql(table)
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
