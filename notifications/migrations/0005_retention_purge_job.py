"""The daily retention job: old sent emails and old read notifications are deleted."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

NAME = "Forget old notification emails and read notifications"


def forwards(apps, schema_editor):
    beat_crontab_ensure(
        apps, name=NAME, task="notifications.retention_purge", minute="30", hour="3"
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_daily_digest_job"),
        ("accounts", "0002_roles_professions_and_heartbeat"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
