"""Helpers shared by the wellbeing views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404

from ..permissions import covered_agency_ids

PAGE_SIZE = 25


def page_of(request, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on a field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def require_lead(user) -> None:
    """Lead pages do not exist for anyone who covers no agency today (a 404, like any
    wellbeing object that is not theirs)."""
    if not covered_agency_ids(user):
        raise Http404


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
