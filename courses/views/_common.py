"""Small helpers shared by the course views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse

PAGE_SIZE = 25


def url_or_none(name: str, *args) -> str | None:
    """reverse() for pages of apps that may not be installed or built yet (e.g. wellbeing):
    a lower app links to a higher one by URL name, never by import (DESIGN section 3)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field when it names one,
    otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def paginate(request, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
