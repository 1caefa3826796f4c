"""The one table reporting keeps: required enrolments counted by (agency, unit, profession,
course, state). Summaries, per-unit totals and roll-ups read a few thousand counts instead
of grouping hundreds of thousands of enrolments on every page view (DESIGN section 9:
"under 10 ms with a roll-up table"). Rebuilt as a whole by
reporting.services.status_counts_refresh, every 10 minutes by beat; until the first build,
readers group the enrolments live. Counts only: nobody's name, nothing personal.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusCount(models.Model):
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, null=True, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, null=True, related_name="+")
    profession = models.ForeignKey(
        "accounts.Profession", on_delete=models.CASCADE, null=True, related_name="+"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=12)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("status count")
        verbose_name_plural = _("status counts")
        indexes = [models.Index(fields=["agency", "unit"], name="statuscount_agency_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.course_id}/{self.state}: {self.n}"


class StatusCountRefresh(models.Model):
    """When the counts were last rebuilt (a single row): shown as "totals as of"."""

    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("status count refresh")
        verbose_name_plural = _("status count refreshes")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
