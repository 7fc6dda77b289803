"""The models' names in the reader's language (verbose_name): the audit log labels its object
types by them (aisc.web.backoffice.audit_labels). Options only: nothing changes in the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cluster', '0004_one_clock_row'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='clustercheckpoint',
            options={'verbose_name': 'cluster checkpoint'},
        ),
        migrations.AlterModelOptions(
            name='clusterclock',
            options={'verbose_name': 'cluster clock'},
        ),
        migrations.AlterModelOptions(
            name='embeddedjob',
            options={'ordering': ['id'], 'verbose_name': 'job'},
        ),
    ]
