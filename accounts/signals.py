"""Session bookkeeping only (no business logic): remember which sessions are whose, so that
disabling an account can end all of them."""

from __future__ import annotations

import time

from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import MFA_PASSED_SESSION_KEY, SESSION_RENEWED_KEY, SESSION_STARTED_KEY


@receiver(user_logged_in, dispatch_uid="accounts_track_session")
def track_session(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    from .services import user_session_track

    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    # Signing in saves the session, which starts the idle window: the next minute of pages
    # need not save it again (SessionLifetimeMiddleware).
    request.session[SESSION_RENEWED_KEY] = now
    if not request.session.session_key:
        request.session.save()
    user_session_track(
        user=user,
        session_key=request.session.session_key,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@receiver(authenticator_added, dispatch_uid="accounts_mfa_enrolled_in_session")
def mark_mfa_enrolled(sender, request, user, **kwargs) -> None:
    """Enrolling an authenticator takes a valid code: this session has seen a second factor,
    so MfaRequiredMiddleware need not send the person back to the sign-in form."""
    if request is not None and hasattr(request, "session"):
        request.session[MFA_PASSED_SESSION_KEY] = True
