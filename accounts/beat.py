"""Helpers for data migrations that create django-celery-beat rows (DESIGN section 6).

They take the migration's `apps` registry, so they keep working as models change.
"""

from __future__ import annotations

import json


def beat_crontab_ensure(
    apps, *, name: str, task: str, minute="0", hour="*", day_of_week="*", kwargs=None
) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week=str(day_of_week),
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            "crontab": schedule,
            "interval": None,
            "kwargs": json.dumps(kwargs or {}),
            "enabled": True,
        },
    )


def beat_interval_ensure(apps, *, name: str, task: str, every: int, period: str = "minutes"):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={"task": task, "interval": schedule, "crontab": None, "enabled": True},
    )


def beat_remove(apps, *, names: list[str]) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=names).delete()
