"""TOTP helpers around allauth.mfa, for demo users and tests (never a bypass)."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def totp_enrol(user, secret: str | None = None) -> str:
    """Give `user` a TOTP authenticator (and recovery codes); returns the secret."""
    secret = secret or generate_totp_secret()
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    return secret


def totp_secret_of(user) -> str | None:
    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(auth.data["secret"]) if auth else None


def totp_code_for(secret: str, at: float | None = None) -> str:
    from allauth.mfa import app_settings

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
