"""The trigger functions again, as 0006 and 0008 now write them: each upsert in key order
(row locks taken in the same order by concurrent statements). CREATE OR REPLACE, so a
database that ran the earlier text is brought level; a fresh one is unchanged."""

import importlib

from django.db import migrations

person_status = importlib.import_module("reporting.migrations.0008_person_status_triggers")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0009_count_keys_without_constraints")]

    operations = [
        migrations.RunPython(
            person_status._replace(person_status._bodies), migrations.RunPython.noop
        ),
    ]
