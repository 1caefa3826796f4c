"""The monthly supervisor report: a daily beat job (06:30 UTC, editable in the admin) whose
first run of each month sends last month's report, once per (supervisor, month)."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

NAME = "Monthly training report to supervisors"


def forwards(apps, schema_editor):
    beat_crontab_ensure(
        apps, name=NAME, task="reporting.monthly_reports_plan", minute="30", hour="6"
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles_professions_and_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
