"""User.public_id, step 1 of 3: the column, nullable (Django's pattern for a unique field on a
table with rows; the steps are separate migrations, so PostgreSQL never alters a table with
pending updates in the same transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_user_time_zone")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
    ]
