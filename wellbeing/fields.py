"""EncryptedTextField: a TextField stored as a Fernet token (see crypto.py).

Tokens are randomised, so the field cannot be searched, filtered or ordered on: it is meant
for free text that only the person and their wellbeing lead ever read.
"""

from __future__ import annotations

from django.db import models

from .crypto import text_decrypt, text_encrypt


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with the field-encryption keys"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return text_decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return text_encrypt(str(value))
