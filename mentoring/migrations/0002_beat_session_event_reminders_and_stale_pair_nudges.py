"""Beat rows for the mentoring jobs (editable in the admin afterwards)."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

JOBS = [
    # name, task, minute, hour
    ("Mentoring: session reminders", "mentoring.session_reminders", "5", "*"),
    ("Mentoring: nudge pairs without recent sessions", "mentoring.stale_pair_nudges", "20", "7"),
    ("Events: reminders", "mentoring.event_reminders", "10", "*"),
]


def forwards(apps, schema_editor):
    for name, task, minute, hour in JOBS:
        beat_crontab_ensure(apps, name=name, task=task, minute=minute, hour=hour)


def backwards(apps, schema_editor):
    beat_remove(apps, names=[name for name, *_rest in JOBS])


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0001_mentor_profiles_pairings_directory_and_events"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
