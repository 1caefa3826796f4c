"""Receivers that forget the viewers' cached report setup (selectors.report_setup_for)
when what it holds changes: units (and so the scope beneath a supervision), supervisions,
courses, professions, countries and agencies. Connected in ReportingConfig.ready, so no
lower app imports reporting.

The bump runs at once and again when the transaction commits: a page read between the
two (the old rows, still uncommitted) cannot keep its copy past the commit. Changes that
skip signals (QuerySet.update, bulk_create) show once the entries expire
(selectors.SETUP_TTL_SECONDS)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .selectors import report_setup_version_bump

WATCHED = (
    "accounts.Unit",
    "accounts.Supervision",
    "accounts.Profession",
    "accounts.Country",
    "accounts.Agency",
    "courses.Course",
)


def setup_changed(sender, **kwargs) -> None:
    report_setup_version_bump()
    transaction.on_commit(report_setup_version_bump)


def connect() -> None:
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(setup_changed, sender=model, dispatch_uid=f"reporting-setup-{label}")
