"""Rebuild the report counts every 10 minutes (editable in the admin)."""

from django.db import migrations

from accounts.beat import beat_interval_ensure, beat_remove

NAME = "Report totals refresh"


def forwards(apps, schema_editor):
    beat_interval_ensure(
        apps, name=NAME, task="reporting.status_counts_refresh", every=10, period="minutes"
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_status_counts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
