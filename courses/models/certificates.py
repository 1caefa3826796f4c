"""Certificates of completion, verifiable by a public code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Course
from .learning import Enrolment


class Certificate(models.Model):
    """Issued when a course is completed. Holder name and course title are copied at issue so
    the public verification page needs no join and shows only what it should.

    Each renewal issues a new certificate (the next `cycle`); the earlier ones are kept and
    stay verifiable, showing as expired once their date has passed."""

    class Path(models.TextChoices):
        FULL = "full", _("Full course")
        REFRESHER = "refresher", _("Refresher path")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    holder_name = models.CharField(_("holder"), max_length=200)
    course_title = models.CharField(_("course"), max_length=200)
    cpd_hours = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # Set from the course's refresher policy where one exists (see
    # courses.services.certificate_expiry_for); empty means it does not expire.
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    path = models.CharField(_("earned by"), max_length=10, choices=Path.choices, default=Path.FULL)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.holder_name} · {self.course_title}"

    def status_on(self, day) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_on and self.expires_on < day:
            return "expired"
        return "valid"

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())
