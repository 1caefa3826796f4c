"""Encryption at rest for wellbeing free text and lead notes (DESIGN section 5).

Keys come from settings.FIELD_ENCRYPTION_KEYS (the LMS_FIELD_ENCRYPTION_KEYS environment
variable): Fernet keys, newest first. Everything is encrypted with the newest key; every key
still decrypts, so a key can be added in front, `manage.py wellbeing_reencrypt` run, and the
old key removed afterwards. The settings refuse to start in production without a key.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# Shown instead of text that no configured key can decrypt (a key removed too early). The
# page still works and says what happened; nothing is written back over the stored token.
UNREADABLE = "[This text cannot be read with the encryption keys configured on this server.]"


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: wellbeing text cannot be encrypted. Set "
            "LMS_FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first)."
        )
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "LMS_FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


def crypto() -> MultiFernet:
    """The MultiFernet for the keys configured now (cached per key set)."""
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def text_encrypt(plaintext: str) -> str:
    """A Fernet token for `plaintext`, under the newest key. "" stays ""."""
    if not plaintext:
        return ""
    return crypto().encrypt(plaintext.encode("utf-8")).decode("ascii")


def text_decrypt(token: str) -> str:
    """The plaintext of a token; UNREADABLE when no configured key opens it."""
    if not token:
        return ""
    try:
        return crypto().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        logger.error("wellbeing: a stored text could not be decrypted with the configured keys")
        return UNREADABLE


def token_rotate(token: str) -> str:
    """The same plaintext re-encrypted under the newest key (InvalidToken if unreadable)."""
    if not token:
        return ""
    return crypto().rotate(token.encode("ascii")).decode("ascii")
