"""Daily beat job: enrolment states the calendar changes, and refresher reminders. Its time
comes from settings (REFRESHER_DAILY_HOUR/MINUTE, UTC) and stays editable in the admin."""

from django.conf import settings
from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

NAME = "Refreshers: daily states and reminders"


def forwards(apps, schema_editor):
    beat_crontab_ensure(
        apps,
        name=NAME,
        task="courses.refreshers_daily",
        minute=str(settings.REFRESHER_DAILY_MINUTE),
        hour=str(settings.REFRESHER_DAILY_HOUR),
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_enrolment_state_and_certificate_dates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
