"""The models' names in the reader's language (verbose_name): the audit log labels its object
types by them (aisc.web.backoffice.audit_labels). Options only: nothing changes in the tables."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0016_rubric_guidance_zh'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='application',
            options={'ordering': ['-created_at'], 'verbose_name': 'application'},
        ),
        migrations.AlterModelOptions(
            name='award',
            options={'ordering': ['project_code'], 'verbose_name': 'award'},
        ),
        migrations.AlterModelOptions(
            name='awardtranche',
            options={'ordering': ['award', 'seq'], 'verbose_name': 'tranche'},
        ),
        migrations.AlterModelOptions(
            name='call',
            options={'ordering': ['-opens_on'], 'verbose_name': 'call'},
        ),
        migrations.AlterModelOptions(
            name='decision',
            options={'verbose_name': 'decision'},
        ),
        migrations.AlterModelOptions(
            name='document',
            options={'verbose_name': 'document'},
        ),
        migrations.AlterModelOptions(
            name='followupsurvey',
            options={'verbose_name': 'follow-up survey'},
        ),
        migrations.AlterModelOptions(
            name='fundingdeclaration',
            options={'ordering': ['application', 'start_date', 'pk'], 'verbose_name': 'funding declaration'},
        ),
        migrations.AlterModelOptions(
            name='granteelistversion',
            options={'verbose_name': 'grantee list version'},
        ),
        migrations.AlterModelOptions(
            name='kpi',
            options={'ordering': ['award', 'pk'], 'verbose_name': 'KPI'},
        ),
        migrations.AlterModelOptions(
            name='kpivalue',
            options={'ordering': ['kpi', 'report__submitted_at'], 'verbose_name': 'KPI value'},
        ),
        migrations.AlterModelOptions(
            name='output',
            options={'ordering': ['award', 'created_at'], 'verbose_name': 'output'},
        ),
        migrations.AlterModelOptions(
            name='overlapdecision',
            options={'verbose_name': 'overlap decision'},
        ),
        migrations.AlterModelOptions(
            name='relatedgroup',
            options={'verbose_name': 'related group'},
        ),
        migrations.AlterModelOptions(
            name='report',
            options={'verbose_name': 'report'},
        ),
        migrations.AlterModelOptions(
            name='review',
            options={'verbose_name': 'review'},
        ),
        migrations.AlterModelOptions(
            name='scheme',
            options={'verbose_name': 'scheme'},
        ),
        migrations.AlterModelOptions(
            name='starterprogramme',
            options={'ordering': ['-created_at'], 'verbose_name': 'starter programme'},
        ),
    ]
