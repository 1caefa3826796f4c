"""Ship the WHO-5 Well-Being Index (1998 version) from wellbeing/data/who5/, unchanged."""

from django.db import migrations

from wellbeing.instruments import WHO5_FILE, instrument_load, spec_read


def forwards(apps, schema_editor):
    Instrument = apps.get_model("wellbeing", "Instrument")
    instrument_load(spec=spec_read(WHO5_FILE), source="wellbeing/data/who5/who5-1998.json",
                    model=Instrument)


def backwards(apps, schema_editor):
    Instrument = apps.get_model("wellbeing", "Instrument")
    Instrument.objects.filter(code="who5", version="1998", checkins__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("wellbeing", "0001_instruments_checkins_review_exposure_resources")]

    operations = [migrations.RunPython(forwards, backwards)]
