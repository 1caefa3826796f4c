"""Reporting's count tables: required enrolments and people counted by (agency, unit,
profession[, course and state, course and month, or status]). Summaries, per-unit totals,
roll-ups, the matrix's page count and the trend read a few thousand counts instead of
grouping hundreds of thousands of enrolments on every page view (DESIGN section 9: "under
10 ms with a roll-up table"). Counts only: nobody's name, nothing personal.

How they stay right:
- reporting.services.status_counts_refresh rebuilds them all from the enrolments (beat
  every 10 minutes, and after the demo data is seeded); until its first run readers count
  live.
- On PostgreSQL, statement-level triggers on courses_enrolment and accounts_user
  (migrations 0006 and 0008) add each statement's difference in its own transaction,
  whichever service makes the change (enrolment, progress, completion, the daily expiry
  pass, a move to another unit, a deactivation), so the counts are current between
  rebuilds. Other databases (SQLite, the embedded first look) have no triggers: there the
  counts are those of the last rebuild ("as of").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyedCount(models.Model):
    """The key every count carries: a person's agency, unit and profession (the report
    filters and the scope read them as they read a person's)."""

    # No database constraint and nothing done on delete: deleting a unit (its people set to
    # no unit) or a course (its enrolments deleted) fires the triggers, which move the
    # counts off the deleted key; a constraint would reject those writes, and cascading here
    # would delete rows the triggers then write again. A deleted key's rows are left at 0
    # until the next rebuild.
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    profession = models.ForeignKey(
        "accounts.Profession",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class StatusCount(KeyedCount):
    """Required enrolments of active, approved people by key and state."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=12)
    # A plain integer: the triggers add signed differences (a row can pass through 0).
    n = models.IntegerField()

    class Meta:
        verbose_name = _("status count")
        verbose_name_plural = _("status counts")
        indexes = [models.Index(fields=["agency", "unit"], name="statuscount_agency_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.course_id}/{self.state}: {self.n}"


class PersonCount(KeyedCount):
    """Active, approved people by key: the matrix's page count without counting people."""

    n = models.IntegerField()

    class Meta:
        verbose_name = _("person count")
        verbose_name_plural = _("person counts")
        indexes = [models.Index(fields=["agency", "unit"], name="personcount_agency_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.profession_id}: {self.n}"


class PersonStatusCount(KeyedCount):
    """Active, approved people by key with at least one required course in `status` (one
    of reporting.statuses.STATUSES): the matrix's page count when filtered by status."""

    status = models.CharField(max_length=12)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("person status count")
        verbose_name_plural = _("person status counts")
        indexes = [models.Index(fields=["agency", "unit"], name="personstatus_agency_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.status}: {self.n}"


class MonthCount(KeyedCount):
    """Required enrolments of active, approved people by key and month (UTC, the site's
    time zone): how many were enrolled in that month and how many completed in it. The
    completion trend sums these instead of grouping every enrolment by month."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    enrolled = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("month count")
        verbose_name_plural = _("month counts")
        indexes = [models.Index(fields=["agency", "unit"], name="monthcount_agency_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.course_id}/{self.month:%Y-%m}: {self.completed}"


class StatusCountRefresh(models.Model):
    """When the counts were last rebuilt (a single row): shown as "totals as of"."""

    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("status count refresh")
        verbose_name_plural = _("status count refreshes")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
