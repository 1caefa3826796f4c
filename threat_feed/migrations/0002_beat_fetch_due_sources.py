"""The beat row that fetches due trend sources every 5 minutes."""

from django.db import migrations

from accounts.beat import beat_interval_ensure, beat_remove

NAME = "Trends feed: fetch due sources"


def forwards(apps, schema_editor):
    beat_interval_ensure(apps, name=NAME, task="threat_feed.fetch_due_sources", every=5)


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("threat_feed", "0001_sources_fetches_items_and_tag_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
