"""The models' names in the reader's language (verbose_name): the audit log labels its object
types by them (aisc.web.backoffice.audit_labels). Options only: nothing changes in the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('allocations', '0003_credit_lifecycle'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='allocation',
            options={'ordering': ['project_code'], 'verbose_name': 'allocation'},
        ),
        migrations.AlterModelOptions(
            name='allocationline',
            options={'ordering': ['allocation', 'id'], 'verbose_name': 'allocation line'},
        ),
        migrations.AlterModelOptions(
            name='allocationmember',
            options={'ordering': ['allocation', 'username'], 'verbose_name': 'allocation member'},
        ),
        migrations.AlterModelOptions(
            name='capacitypolicy',
            options={'ordering': ['-valid_from'], 'verbose_name': 'capacity policy'},
        ),
        migrations.AlterModelOptions(
            name='changerequest',
            options={'ordering': ['-requested_at'], 'verbose_name': 'change request'},
        ),
        migrations.AlterModelOptions(
            name='creditevent',
            options={'ordering': ['allocation', 'at', 'id'], 'verbose_name': 'credit event'},
        ),
    ]
