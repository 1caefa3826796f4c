from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResourcePage(models.Model):
    """A self-care page an agency's wellbeing lead writes (Markdown, rendered on save)."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="wellbeing_pages"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("one-line summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, default="")
    ordering = models.PositiveSmallIntegerField(_("position"), default=100)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency", "ordering", "title"]
        verbose_name = _("self-care page")
        verbose_name_plural = _("self-care pages")

    def __str__(self) -> str:
        return self.title


class SupportContact(models.Model):
    """Someone to talk to: a counselling service, a helpline, the wellbeing lead."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="wellbeing_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("what they offer"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    availability = models.CharField(_("when to reach them"), max_length=200, blank=True)
    ordering = models.PositiveSmallIntegerField(_("position"), default=100)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["agency", "ordering", "name"]
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not (self.phone or self.email):
            raise ValidationError(_("Give a phone number or an email address."))
