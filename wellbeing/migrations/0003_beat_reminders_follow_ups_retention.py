"""Daily jobs: check-in reminders, follow-up reminders for leads, and retention."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

JOBS = [
    ("Wellbeing check-in reminders", "wellbeing.reminders_plan", "0", "7"),
    ("Wellbeing follow-up reminders", "wellbeing.follow_ups_remind", "30", "6"),
    ("Wellbeing retention (delete old check-ins)", "wellbeing.retention_purge", "20", "3"),
]


def forwards(apps, schema_editor):
    for name, task, minute, hour in JOBS:
        beat_crontab_ensure(apps, name=name, task=task, minute=minute, hour=hour)


def backwards(apps, schema_editor):
    beat_remove(apps, names=[name for name, *_ in JOBS])


class Migration(migrations.Migration):
    dependencies = [
        ("wellbeing", "0002_load_who5"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
