"""The rows that data migrations seed (reference data the code expects to find), put back where a
flush removed them.

A test that commits for real (transaction=True, a live server) ends with a flush of every table,
and a flush removes migration data with everything else; Django's post_migrate after it brings
back content types and permissions only. A later test in the same process then finds no staff
roles ("unknown role(s): reviewer"). serialized_rollback=True is no cure: once Playwright's browser
has started in a later test than the one that created the database, the connection a test gets
carries no serialized copy, so it restores nothing; where it has one, it re-inserts content types
that post_migrate already recreated (IntegrityError). Each seed below is the migration's own
function, run only when its rows are missing.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps


def _migration(name: str) -> Any:
    return import_module(f"aisc.web.{name}")


def seed_reference_data() -> None:
    """Roles, chips and the grantee list's version row, each seeded again when absent."""
    if not apps.get_model("accounts", "Role").objects.exists():
        _migration("accounts.migrations.0002_seed_roles").seed(apps, None)
    if not apps.get_model("catalogue", "ChipModel").objects.exists():
        _migration("catalogue.migrations.0002_seed_chips").forwards(apps, None)
    if not apps.get_model("grants", "GranteeListVersion").objects.exists():
        _migration("grants.migrations.0015_grantee_list_version").first_version(apps, None)
