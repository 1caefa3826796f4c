"""Encrypted text at rest for notes private to a mentoring pair.

Fernet (AES-128-CBC + HMAC) with the keys in settings.FIELD_ENCRYPTION_KEYS, newest first;
older keys still decrypt, so keys can be rotated. A database dump or a backup shows only
tokens. Empty text stays empty (no token), so "has notes" needs no decryption.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    from cryptography.fernet import Fernet

    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def text_encrypt(value: str) -> str:
    if not value:
        return ""
    return _cipher().encrypt(value.encode("utf-8")).decode("ascii")


def text_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        # Never fall back to showing the stored value: it may be another key's token.
        return ""


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It cannot be searched or ordered in SQL."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return text_decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return text_encrypt(str(value))
