"""User.public_id, step 2 of 3: one random value per existing account."""

import uuid

from django.db import migrations


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    for pk in User.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_user_public_id")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
