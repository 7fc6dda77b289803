"""The table behind Django's database cache, where the throttles count (settings.CACHES)."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS aisc_cache")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_invitations")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
