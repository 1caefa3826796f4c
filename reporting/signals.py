"""Receivers that forget the viewers' cached report setup (selectors.report_setup_for)
when what it holds changes: units (and so the scope beneath a supervision), supervisions,
courses, professions, countries and agencies. Connected in ReportingConfig.ready, so no
lower app imports reporting.

accounts.caching forgets at once and again when the transaction commits. Changes that
skip signals (QuerySet.update, bulk_create) show once the entries expire
(selectors.SETUP_TTL_SECONDS)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .selectors import REPORT_SETUP

WATCHED = (
    "accounts.Unit",
    "accounts.Supervision",
    "accounts.Profession",
    "accounts.Country",
    "accounts.Agency",
    "courses.Course",
)


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(
                REPORT_SETUP.forget, sender=model, dispatch_uid=f"reporting-setup-{label}"
            )
