"""The audit table refuses UPDATE, DELETE and TRUNCATE in the database itself, as billing's
ledger does (billing migrations 0002 and 0003): a row trigger for UPDATE and DELETE on SQLite and
PostgreSQL, and on PostgreSQL a statement trigger for TRUNCATE, which row triggers do not see.

TRUNCATE of an empty table stays allowed (Django's test flush truncates every table). SQLite has
no TRUNCATE; its `DELETE FROM table` runs the DELETE trigger. A later migration that rebuilds the
table on SQLite (most AlterField/AddField there) drops its triggers and must create them again.
"""

from django.db import migrations

TABLE = "audit_auditevent"
REFUSAL = "append-only: % on % is refused; the audit trail is never rewritten"

PG_ROW_FUNCTION = f"""
CREATE OR REPLACE FUNCTION aisc_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql
"""

PG_TRUNCATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION aisc_audit_refuse_truncate() RETURNS trigger AS $$
DECLARE
    has_rows boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO has_rows;
    IF has_rows THEN
        RAISE EXCEPTION '{REFUSAL}', TG_OP, TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def sqlite_sql() -> list[str]:
    return [
        f"CREATE TRIGGER {TABLE}_no_{op.lower()} BEFORE {op} ON {TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL.replace('% on %', f'{op} on {TABLE}')}'); END"
        for op in ("UPDATE", "DELETE")
    ]


def pg_sql() -> list[str]:
    return [
        PG_ROW_FUNCTION,
        PG_TRUNCATE_FUNCTION,
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION aisc_audit_append_only()",
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION aisc_audit_refuse_truncate()",
    ]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in pg_sql() if postgres else sqlite_sql():
        schema_editor.execute(sql, params=None)  # no placeholders: RAISE uses a literal %


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for name in ("append_only", "no_truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS aisc_audit_append_only()")
        schema_editor.execute("DROP FUNCTION IF EXISTS aisc_audit_refuse_truncate()")
    else:
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{op}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_client_request_id_and_seal")]
    operations = [migrations.RunPython(create, drop)]
