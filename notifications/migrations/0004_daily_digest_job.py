"""The daily digest beat job: every day at 06:00 UTC (editable in the admin)."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

NAME = "Daily notification digest"


def forwards(apps, schema_editor):
    beat_crontab_ensure(
        apps, name=NAME, task="notifications.digest_send", minute="0", hour="6"
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notification_key_delivery_and_digest_index"),
        ("accounts", "0002_roles_professions_and_heartbeat"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
