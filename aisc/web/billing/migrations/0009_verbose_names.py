"""The models' names in the reader's language (verbose_name): the audit log labels its object
types by them (aisc.web.backoffice.audit_labels). Options only: nothing changes in the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0008_report_mail'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='alertstate',
            options={'verbose_name': 'alert state'},
        ),
        migrations.AlterModelOptions(
            name='billingperiod',
            options={'ordering': ['month'], 'verbose_name': 'billing period'},
        ),
        migrations.AlterModelOptions(
            name='ingestcursor',
            options={'verbose_name': 'ingest cursor'},
        ),
        migrations.AlterModelOptions(
            name='ledgerentry',
            options={'verbose_name': 'ledger entry'},
        ),
        migrations.AlterModelOptions(
            name='ledgerposting',
            options={'verbose_name': 'ledger posting'},
        ),
        migrations.AlterModelOptions(
            name='payment',
            options={'ordering': ['received_on', 'pk'], 'verbose_name': 'payment'},
        ),
        migrations.AlterModelOptions(
            name='recovery',
            options={'ordering': ['-opened_at'], 'verbose_name': 'recovery'},
        ),
        migrations.AlterModelOptions(
            name='rejectedline',
            options={'verbose_name': 'rejected line'},
        ),
        migrations.AlterModelOptions(
            name='reportmail',
            options={'verbose_name': 'report mail'},
        ),
        migrations.AlterModelOptions(
            name='statement',
            options={'ordering': ['period__month', 'project_code'], 'verbose_name': 'statement'},
        ),
        migrations.AlterModelOptions(
            name='statementline',
            options={'ordering': ['statement', 'seq'], 'verbose_name': 'statement line'},
        ),
        migrations.AlterModelOptions(
            name='usagecharge',
            options={'verbose_name': 'usage charge'},
        ),
        migrations.AlterModelOptions(
            name='usagerecord',
            options={'verbose_name': 'usage record'},
        ),
        migrations.AlterModelOptions(
            name='usagetotal',
            options={'verbose_name': 'usage total'},
        ),
    ]
