"""Request-wide security rules: headers, session lifetime, language and forced MFA."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .roles import user_requires_mfa

SESSION_STARTED_KEY = "lms_session_started"
SESSION_RENEWED_KEY = "lms_session_renewed"
MFA_PASSED_SESSION_KEY = "lms_mfa_passed"


class SecurityHeadersMiddleware:
    """CSP (no inline script), permissions policy and cross-origin isolation on every
    response; Django's SecurityMiddleware adds HSTS, nosniff and the referrer policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        return response


class SessionLifetimeMiddleware:
    """Absolute session timeout, enforced on the server. The idle timeout is the session
    cookie age: it is renewed by saving the session, which this middleware asks for at most
    once a minute (SESSION_IDLE_RENEW_SECONDS) instead of on every request, sparing each page
    a write transaction at the cost of an idle limit up to a minute long. Also ends any session
    of an account that is not (or no longer) approved: the sign-in adapter keeps such people
    out, and this is the second lock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not user.is_approved:
                from .adapters import vetting_refusal_response

                person = user
                logout(request)
                return vetting_refusal_response(request, person)
            started = request.session.get(SESSION_STARTED_KEY)
            now = int(time.time())
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            self._renew_idle_window(request, now)
            if started is not None and now - int(started) > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                response = redirect(
                    f"{reverse('account_login')}?{urlencode({'next': request.path})}"
                )
                # This middleware runs before MessageMiddleware, so it stores the message
                # on the response itself.
                storage = default_storage(request)
                storage.add(
                    messages.INFO, _("Your session reached its time limit. Please sign in again.")
                )
                storage.update(response)
                return response
        return self.get_response(request)

    @staticmethod
    def _renew_idle_window(request, now: int) -> None:
        last = request.session.get(SESSION_RENEWED_KEY)
        if last is None or now - int(last) >= settings.SESSION_IDLE_RENEW_SECONDS:
            request.session[SESSION_RENEWED_KEY] = now  # marks the session modified: saved


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins over the browser's, unless they have just
    switched with the language menu (the language cookie is then newer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# Paths a privileged user without MFA may still open: the MFA set-up itself, signing out,
# switching language, static files and health checks.
MFA_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/confirm-email/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class MfaRequiredMiddleware:
    """Every role above learner must have MFA, and must have used it in this session, before
    using anything else: forced enrolment for those without an authenticator, a fresh
    two-step sign-in for a session that only proved a password (a role granted after
    signing in as a learner, or any path around the sign-in form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(MFA_EXEMPT_PREFIXES)
            or not user_requires_mfa(user)
        ):
            return self.get_response(request)
        if not _has_mfa(user):
            return self._refuse(
                request,
                _("Your role needs two-step sign-in. Set up an authenticator app to continue."),
                redirect("mfa_activate_totp"),
            )
        if not session_passed_mfa(request):
            logout(request)
            return self._refuse(
                request,
                _("Your role needs two-step sign-in. Please sign in again with your code."),
                redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}"),
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message, response):
        # An htmx request gets a bare 403: its target must not receive the page, and the view
        # must not run at all (it could read or change data).
        if request.headers.get("HX-Request"):
            return HttpResponseForbidden()
        messages.warning(request, message)
        return response


def session_passed_mfa(request) -> bool:
    """This session has seen a second factor: allauth's record of a code entered at sign-in,
    or our mark from enrolling an authenticator (which needs a valid code too)."""
    from allauth.account.authentication import get_authentication_records

    if request.session.get(MFA_PASSED_SESSION_KEY):
        return True
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
