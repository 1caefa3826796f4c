"""Enrolment state and certificate dates, stored for indexed reports and reminders; the
existing rows get theirs from their dates and their latest certificate not revoked."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    Enrolment = apps.get_model("courses", "Enrolment")
    Certificate = apps.get_model("courses", "Certificate")
    today = timezone.localdate()
    window = timedelta(days=settings.REFRESHER_DEFAULT_WINDOW_DAYS)
    # Without a certificate: set-based, from the dates.
    Enrolment.objects.filter(started_at__isnull=False).update(state="in_progress")
    Enrolment.objects.filter(due_on__lt=today).update(state="overdue")
    # With one: the latest certificate not revoked of each (user, course).
    current = {}
    for cert in Certificate.objects.filter(revoked_at__isnull=True).order_by(
        "user_id", "course_id", "-issued_at", "-id"
    ):
        current.setdefault((cert.user_id, cert.course_id), cert)
    changed = []
    for enrolment in Enrolment.objects.filter(
        user_id__in={key[0] for key in current}
    ).iterator(chunk_size=500):
        cert = current.get((enrolment.user_id, enrolment.course_id))
        if cert is None:
            continue
        enrolment.certified_on = timezone.localdate(cert.issued_at)
        enrolment.expires_on = cert.expires_on
        enrolment.window_opens_on = cert.expires_on - window if cert.expires_on else None
        if cert.expires_on and cert.expires_on < today:
            enrolment.state = "expired"
        elif enrolment.window_opens_on and enrolment.window_opens_on <= today:
            enrolment.state = "window_open"
        else:
            enrolment.state = "certified"
        changed.append(enrolment)
    Enrolment.objects.bulk_update(
        changed, ["state", "certified_on", "expires_on", "window_opens_on"], batch_size=500
    )


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_course_audience_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='enrolment',
            name='certified_on',
            field=models.DateField(blank=True, null=True, verbose_name='certified on'),
        ),
        migrations.AddField(
            model_name='enrolment',
            name='expires_on',
            field=models.DateField(blank=True, null=True, verbose_name='certificate valid until'),
        ),
        migrations.AddField(
            model_name='enrolment',
            name='state',
            field=models.CharField(choices=[('assigned', 'Not started'), ('in_progress', 'In progress'), ('overdue', 'Overdue'), ('certified', 'Certified'), ('window_open', 'Expiring soon'), ('expired', 'Expired')], default='assigned', max_length=12, verbose_name='state'),
        ),
        migrations.AddField(
            model_name='enrolment',
            name='window_opens_on',
            field=models.DateField(blank=True, null=True, verbose_name='renewal window opens'),
        ),
        migrations.AddIndex(
            model_name='enrolment',
            index=models.Index(fields=['course', 'state'], name='enrolment_course_state_idx'),
        ),
        migrations.AddIndex(
            model_name='enrolment',
            index=models.Index(fields=['state', 'expires_on'], name='enrolment_state_expiry_idx'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
