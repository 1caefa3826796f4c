"""Illustrative diagrams and localised variants of lessons."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Lesson, Module


def _image_path(instance: LessonImage, filename: str) -> str:
    # The stored name never comes from the uploader.
    return f"course-images/{instance.module_id}/{instance.uuid}.{instance.extension}"


class LessonImage(models.Model):
    """A diagram a trainer uploaded for a module. Served only to signed-in users through
    courses.views.image_serve; the file was re-encoded without EXIF on upload."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=_image_path, max_length=200)
    content_type = models.CharField(max_length=30)
    extension = models.CharField(max_length=5)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    alt_text = models.CharField(
        _("text alternative"),
        max_length=300,
        help_text=_("What the diagram shows, for people who cannot see it."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("diagram")
        verbose_name_plural = _("diagrams")

    def __str__(self) -> str:
        return self.alt_text[:60]


class LessonVariant(models.Model):
    """A localised overlay of a lesson: its text for one language and/or one jurisdiction
    (e.g. a national legal section). A learner sees the most specific variant that matches
    their language and jurisdiction, falling back to the base lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=100, blank=True, help_text=_("Empty: every jurisdiction.")
    )
    title = models.CharField(_("title"), max_length=200)
    body_md = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["lesson", "language", "jurisdiction"]
        verbose_name = _("localised variant")
        verbose_name_plural = _("localised variants")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "language", "jurisdiction"], name="lessonvariant_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(language="", jurisdiction=""),
                name="lessonvariant_not_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson} [{self.language or '*'}/{self.jurisdiction or '*'}]"
