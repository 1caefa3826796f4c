"""The beat row that sends the weekly trends digest (Mondays, 07:00 UTC)."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

NAME = "Trends feed: weekly digest"


def forwards(apps, schema_editor):
    beat_crontab_ensure(
        apps, name=NAME, task="threat_feed.weekly_digest", minute="0", hour="7", day_of_week="1"
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [("threat_feed", "0002_beat_fetch_due_sources")]

    operations = [migrations.RunPython(forwards, backwards)]
