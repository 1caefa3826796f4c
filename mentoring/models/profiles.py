"""Who offers to mentor, and who lists themself in the peer directory."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..languages import languages_decode, languages_label

NO_CASE_DATA = _(
    "Never record case details or identifying information about victims or suspects here."
)


class LanguagesMixin:
    languages: str

    @property
    def language_codes(self) -> list[str]:
        return languages_decode(self.languages)

    @property
    def language_names(self) -> list[str]:
        return languages_label(self.language_codes)


class MentorProfile(LanguagesMixin, models.Model):
    """A person's offer to mentor. Country comes from their agency; expertise uses the
    shared topic tags, so a learner's goals, a course and a trend speak the same words."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Taking mentees")
        PAUSED = "paused", _("Paused")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    expertise = models.ManyToManyField(
        "courses.TopicTag", related_name="mentor_profiles", verbose_name=_("expertise")
    )
    languages = models.CharField(_("languages"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("number of mentees"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many people you can mentor at the same time."),
    )
    availability = models.CharField(
        _("availability"),
        max_length=300,
        blank=True,
        help_text=_("For example: one hour every other week, Tuesday or Thursday mornings."),
    )
    cross_border = models.BooleanField(
        _("willing to mentor people in other countries"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1) & models.Q(capacity__lte=10),
                name="mentorprofile_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        if not self.language_codes:
            raise ValidationError({"languages": _("Choose at least one language.")})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class DirectoryProfile(LanguagesMixin, models.Model):
    """An opt-in entry in the peer directory. Name, agency, country and profession come from
    the account, so they stay true; deleting the row withdraws the person at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_profile"
    )
    expertise = models.ManyToManyField(
        "courses.TopicTag",
        related_name="directory_profiles",
        blank=True,
        verbose_name=_("expertise"),
    )
    languages = models.CharField(_("languages"), max_length=200)
    about = models.CharField(
        _("about your work"),
        max_length=500,
        blank=True,
        help_text=_("What you work on and what you could help peers with, in a sentence or two."),
    )
    official_contact = models.CharField(
        _("how to reach you through official channels"),
        max_length=300,
        help_text=_(
            "For example: through your agency's international cooperation desk or liaison "
            "officer. Your email is shared only with people whose contact request you accept."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("peer directory profile")
        verbose_name_plural = _("peer directory profiles")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        if not self.language_codes:
            raise ValidationError({"languages": _("Choose at least one language.")})


class ContactRequest(models.Model):
    """A request to exchange official contact details with a peer from the directory.

    It carries no message, only an optional topic tag, so it cannot become a channel for
    case data. The requester's official email reaches the peer only once the peer accepts;
    the requester only ever learns "accepted" or "not accepted".
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests_sent"
    )
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    topic = models.ForeignKey(
        "courses.TopicTag",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "peer"],
                condition=models.Q(status="pending"),
                name="contactrequest_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("peer")),
                name="contactrequest_not_self",
            ),
        ]
        indexes = [models.Index(fields=["peer", "status"])]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.peer_id} ({self.status})"
