"""Global role groups, the default professions and the beat heartbeat job."""

from django.db import migrations

from accounts.beat import beat_interval_ensure, beat_remove

GROUPS = ["platform_admin", "agency_admin", "trainer", "trends_analyst"]

PROFESSIONS = [
    ("police-investigator", "Police investigator", "Enquêteur ou enquêtrice de police", 10),
    ("forensic-examiner", "Digital forensic examiner", "Expert ou experte en criminalistique numérique", 20),
    ("prosecutor", "Prosecutor", "Procureur ou procureure", 30),
    ("judge", "Judge", "Juge", 40),
    ("child-protection", "Child-protection practitioner", "Professionnel ou professionnelle de la protection de l'enfance", 50),
    ("victim-support", "Victim-support practitioner", "Professionnel ou professionnelle de l'aide aux victimes", 60),
    ("civil-society", "Civil society", "Société civile", 70),
    ("trainer", "Trainer", "Formateur ou formatrice", 80),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    Profession = apps.get_model("accounts", "Profession")
    for code, name, name_fr, ordering in PROFESSIONS:
        Profession.objects.update_or_create(
            code=code, defaults={"name": name, "name_fr": name_fr, "ordering": ordering}
        )
    beat_interval_ensure(
        apps, name="Beat heartbeat (health check)", task="accounts.beat_heartbeat", every=1
    )


def backwards(apps, schema_editor):
    beat_remove(apps, names=["Beat heartbeat (health check)"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
