"""The models' names in the reader's language (verbose_name): the audit log labels its object
types by them (aisc.web.backoffice.audit_labels). Options only: nothing changes in the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_user_public_id_unique'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='apitoken',
            options={'ordering': ['-created_at'], 'verbose_name': 'API token'},
        ),
        migrations.AlterModelOptions(
            name='invitation',
            options={'verbose_name': 'invitation'},
        ),
        migrations.AlterModelOptions(
            name='membership',
            options={'verbose_name': 'membership'},
        ),
        migrations.AlterModelOptions(
            name='organisation',
            options={'ordering': ['name_en'], 'verbose_name': 'organisation'},
        ),
        migrations.AlterModelOptions(
            name='ratecount',
            options={'verbose_name': 'rate count'},
        ),
        migrations.AlterModelOptions(
            name='registrationdocument',
            options={'ordering': ['-uploaded_at'], 'verbose_name': 'registration document'},
        ),
        migrations.AlterModelOptions(
            name='role',
            options={'verbose_name': 'role'},
        ),
        migrations.AlterModelOptions(
            name='user',
            options={'verbose_name': 'user'},
        ),
    ]
