"""The default rubric's guidance gained a Chinese text (guidance_zh): calls that still hold a
default criterion's English guidance unchanged get its Chinese beside it, so that their public
page and review form read in Chinese too. Criteria a call wrote itself are left as they are."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from aisc.core.grants.rubric import DEFAULT_RUBRIC

CHINESE = {(c.code, c.guidance): c.guidance_zh for c in DEFAULT_RUBRIC}


def with_chinese(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        row
        if row.get("guidance_zh") or (row.get("code"), row.get("guidance")) not in CHINESE
        else {**row, "guidance_zh": CHINESE[(row.get("code"), row.get("guidance"))]}
        for row in rows
    ]


def add_chinese(apps: Any, schema_editor: Any) -> None:
    Call = apps.get_model("grants", "Call")
    for call in Call.objects.all():
        rows = with_chinese(call.rubric)
        if rows != call.rubric:
            Call.objects.filter(pk=call.pk).update(rubric=rows)


class Migration(migrations.Migration):
    dependencies = [("grants", "0015_grantee_list_version")]
    operations = [migrations.RunPython(add_chinese, migrations.RunPython.noop)]
