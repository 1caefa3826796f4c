"""Hourly beat job: apply assignment rules to people who joined since the last run."""

from django.db import migrations

from accounts.beat import beat_crontab_ensure, beat_remove

NAME = "Apply course assignment rules to newcomers"


def forwards(apps, schema_editor):
    beat_crontab_ensure(
        apps, name=NAME, task="courses.assignment_rules_apply", minute="5", hour="*"
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=[NAME])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_catalogue_versions_learning_quizzes_certificates_reference_drills"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
