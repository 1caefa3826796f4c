"""Daily jobs: disable accounts unused for ACCOUNT_INACTIVITY_DISABLE_DAYS, and forget
expired sessions (DESIGN section 10)."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

JOBS = [
    ("Disable accounts unused for 90 days", "accounts.disable_inactive_accounts", "15", "2"),
    ("Forget expired sessions", "accounts.session_purge_expired", "45", "2"),
]


def forwards(apps, schema_editor):
    for name, task, minute, hour in JOBS:
        beat_crontab_ensure(apps, name=name, task=task, minute=minute, hour=hour)


def backwards(apps, schema_editor):
    beat_remove(apps, names=[name for name, *_ in JOBS])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_vetting_note_erasure_requests_session_agent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
