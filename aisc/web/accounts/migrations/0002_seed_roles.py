"""Staff roles are data: seed the seven the platform knows."""

from typing import Any

from django.db import migrations

ROLES = [
    ("reviewer", "Reviewer", "評審員", "Scores applications assigned to them."),
    ("committee", "Committee member", "委員會成員", "Decides awards."),
    ("secretariat", "Secretariat", "秘書處", "Runs calls, screening and reports."),
    ("operator", "Operator", "營運人員", "Runs the cluster and allocations."),
    ("finance", "Finance", "財務", "Billing, ledger and fund."),
    ("auditor", "Auditor", "審計師", "Read-only access to everything."),
    ("admin", "Administrator", "系統管理員", "Everything."),
]


def seed(apps: Any, schema_editor: Any) -> None:
    role = apps.get_model("accounts", "Role")
    for code, en, zh, description in ROLES:
        role.objects.update_or_create(
            code=code, defaults={"name_en": en, "name_zh": zh, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
