"""Every five minutes: re-enqueue senders for reminder rows left waiting (DESIGN section 6)."""

from django.db import migrations

from accounts.beat import beat_interval_ensure, beat_remove

NAME = "Refreshers: re-send waiting reminders"


def forwards(apps, schema_editor):
    beat_interval_ensure(apps, name=NAME, task="courses.reminders_sweep", every=5)


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_refresher_policies_refreshers_reminder_outbox_certificate_cycles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
