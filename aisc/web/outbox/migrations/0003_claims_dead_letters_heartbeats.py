import django.utils.timezone
from django.db import migrations, models


def mark_sent(apps, schema_editor):  # type: ignore[no-untyped-def]
    message = apps.get_model("outbox", "OutboxMessage")
    message.objects.filter(sent_at__isnull=False).update(state="sent")


class Migration(migrations.Migration):

    dependencies = [
        ("outbox", "0002_taskrun"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "pending"),
                    ("sent", "sent"),
                    ("dead", "dead letter"),
                    ("discarded", "discarded"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="dead_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_sent, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
        ),
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True)),
                ("host", models.CharField(max_length=200)),
                ("pid", models.PositiveIntegerField()),
                ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("beat_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("stopped_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]
