from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from .registries import dashboard_panels_for
from .roles import user_roles


@login_required
def home(request):
    """The dashboard: later apps add their panels; until then it shows roles and next steps."""
    return render(
        request,
        "accounts/home.html",
        {"roles": user_roles(request.user), "panels": dashboard_panels_for(request)},
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    return render(
        request,
        "403_csrf.html",
        {"message": _("This form had expired or was not sent from this site. Nothing was saved.")},
        status=403,
    )
