from django.db import migrations

from aisc.web.catalogue.seed import seed_chips


def forwards(apps, schema_editor):
    seed_chips(apps.get_model("catalogue", "ChipModel"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
