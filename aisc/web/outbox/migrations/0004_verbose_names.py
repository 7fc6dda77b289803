"""The models' names in the reader's language (verbose_name): the audit log labels its object
types by them (aisc.web.backoffice.audit_labels). Options only: nothing changes in the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0003_claims_dead_letters_heartbeats'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='outboxmessage',
            options={'ordering': ['id'], 'verbose_name': 'outbox message'},
        ),
        migrations.AlterModelOptions(
            name='taskrun',
            options={'verbose_name': 'task run'},
        ),
        migrations.AlterModelOptions(
            name='workerheartbeat',
            options={'verbose_name': 'worker heartbeat'},
        ),
    ]
