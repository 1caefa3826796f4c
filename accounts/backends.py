"""The sign-in backend: allauth's, with the signed-in person loaded once per request together
with their agency, its country and their unit."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model


class AuthenticationBackend(AllauthBackend):
    """Pages name the person's agency and unit (home, profile, menus) and the panels need the
    agency's country for time zones: one join here instead of two or three lazy lookups on
    almost every page."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("agency__country", "unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
