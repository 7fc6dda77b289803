"""The throttles' counters (RateCount), one upserted row per client and limit, in place of
Django's database cache, whose read-then-write took five statements a request and lost counts
when two processes wrote the same key at once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_organisation_verification"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("bucket", models.CharField(max_length=300, primary_key=True, serialize=False)),
                ("slot", models.BigIntegerField()),
                ("count", models.IntegerField()),
                ("previous", models.IntegerField()),
                ("expires", models.BigIntegerField(db_index=True)),
            ],
            options={
                "db_table": "aisc_rate_count",
            },
        ),
        migrations.RunSQL("DROP TABLE IF EXISTS aisc_cache", reverse_sql=migrations.RunSQL.noop),
    ]
