"""People, organisations and the rows that grant contextual roles (DESIGN section 5).

There are no role booleans on User: global capabilities are Django groups (see roles.py),
contextual roles are dated rows (Supervision, WellbeingCoverage), object decisions are
django-rules predicates in permissions.py.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies")
    is_active = models.BooleanField(_("accepting sign-ups"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.short_name or self.name


class AgencyDomain(models.Model):
    """An email domain whose owners may ask for an account in the agency (vetted sign-up)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("email domain"), max_length=253)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("agency email domain")
        verbose_name_plural = _("agency email domains")
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="agencydomain_domain_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        self.domain = (self.domain or "").strip().lower().lstrip("@")


class Unit(models.Model):
    """A team inside an agency; units form a tree. `path` holds the ancestor ids ("/1/4/9/")
    so that "this unit and everything under it" is one indexed prefix query."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    path = models.CharField(max_length=400, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["agency__name", "path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "parent", "name"], name="unit_name_unique_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} / {self.name}"

    def save(self, *args, **kwargs) -> None:
        # The path is derived from this row and its parent only; moving a unit with children
        # goes through accounts.services.unit_move, which rewrites the subtree.
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs = {k: v for k, v in kwargs.items() if k not in ("force_insert",)}
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        self.path = f"{parent_path}{self.pk}/"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": _("A unit's parent must be in the same agency.")})
        if self.pk and self.parent and f"/{self.pk}/" in self.parent.path:
            raise ValidationError({"parent": _("A unit cannot sit under itself.")})


class Profession(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    ordering = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("profession")
        verbose_name_plural = _("professions")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("vetting_status", User.Vetting.APPROVED)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; vetting decides whether the account may be used."""

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Refused")

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    profession = models.ForeignKey(
        Profession, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=100,
        blank=True,
        help_text=_("The legal system you work under, for example 'England and Wales'."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    vetting_status = models.CharField(
        _("vetting"), max_length=10, choices=Vetting.choices, default=Vetting.PENDING
    )
    vetted_at = models.DateTimeField(_("vetted at"), null=True, blank=True)
    vetted_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can open the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    # When an administrator last re-enabled the account: the inactivity rule counts from the
    # latest of this, the last sign-in and the date joined.
    enabled_at = models.DateTimeField(_("re-enabled at"), null=True, blank=True)
    vetting_note = models.CharField(
        _("reason for refusal"),
        max_length=500,
        blank=True,
        help_text=_("Shown to the person when their request is refused."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["agency", "vetting_status"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email

    @property
    def is_approved(self) -> bool:
        return self.vetting_status == self.Vetting.APPROVED

    @property
    def country(self) -> Country | None:
        return self.agency.country if self.agency_id and self.agency else None


def _current_grant_q() -> Q:
    # The site's calendar (settings.TIME_ZONE), as the grant's default start date is: a page
    # shown in the person's own zone (mentoring) must not see a grant made "today" as
    # starting tomorrow.
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


class DatedGrantQuerySet(models.QuerySet):
    def current(self):
        return self.filter(_current_grant_q())


class Supervision(models.Model):
    """`supervisor` supervises `unit` and every unit under it, between the dates."""

    supervisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervisions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="supervisions")
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = DatedGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="supervision_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.unit}"


class WellbeingCoverage(models.Model):
    """`lead` is the wellbeing lead for everyone in `agency`, between the dates."""

    lead = models.ForeignKey(User, on_delete=models.CASCADE, related_name="wellbeing_coverages")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="wellbeing_leads")
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = DatedGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("wellbeing coverage")
        verbose_name_plural = _("wellbeing coverages")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="wellbeingcoverage_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} → {self.agency}"


class UserSession(models.Model):
    """Which sessions belong to whom, so that disabling an account ends all of them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A short description of the browser, so a person can recognise their own sessions.
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def device_label(self) -> str:
        """A label like 'Firefox on Windows' rather than the raw user-agent string."""
        agent = self.user_agent
        browsers = [
            ("Edg/", "Edge"),
            ("OPR/", "Opera"),
            ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"),
            ("Safari/", "Safari"),
        ]
        systems = [
            ("Android", "Android"),
            ("iPhone", "iOS"),
            ("iPad", "iPadOS"),
            ("Windows", "Windows"),
            ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"),
            ("Linux", "Linux"),
        ]
        browser = next((name for key, name in browsers if key in agent), "")
        system = next((name for key, name in systems if key in agent), "")
        if browser and system:
            return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
        return browser or system or str(_("Unknown browser"))


class ErasureRequest(models.Model):
    """A person's request to erase their data. An agency admin of their agency (or a platform
    admin) confirms it, which runs every registered privacy eraser; or declines it, with a
    reason the person sees."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an administrator")
        DONE = "done", _("Erased")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="erasure_requests")
    # The agency at the time of the request, so admins still find it after erasure.
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("anything the administrator should know"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("note to the person"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="open"),
                name="erasurerequest_one_open_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.requested_at:%Y-%m-%d}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only; retention uses audit_purge_expired.")


class AuditEvent(models.Model):
    """Append-only record of a sensitive read, export, role change or admin action.

    Never holds answers or other content: only who, what, which object, when and from where.
    """

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    subject_user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events_about",
        help_text=_("The person whose data was read, when there is one."),
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["subject_user", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class JobRun(models.Model):
    """One row per (periodic job, period): written first, so two beats cannot double a job.

    The beat heartbeat is a job like the others; /healthz reads the age of its last row.
    """

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="jobrun_once_per_period")
        ]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
