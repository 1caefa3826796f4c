from django.db import migrations

from accounts.beat import beat_interval_ensure, beat_remove

NAME = "Email outbox sweeper"


def forwards(apps, schema_editor):
    beat_interval_ensure(apps, name=NAME, task="notifications.outbox_sweep", every=5)


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0002_roles_professions_and_heartbeat"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
