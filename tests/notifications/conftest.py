from __future__ import annotations

import pytest

from notifications import kinds
from tests.worker import celery_worker_process  # noqa: F401  (a real worker, for @worker tests)

# Built-in kinds (notifications/kinds.py): "account" emails at once, "general" goes in the
# daily digest. Tests add an inbox-only kind of their own.
IMMEDIATE = "account"
DIGEST = "general"
INBOX_ONLY = "tests.inbox_only"


@pytest.fixture(autouse=True)
def inbox_only_kind():
    kinds.notification_kind_register(INBOX_ONLY, "Inbox-only test kind", "off")
    yield INBOX_ONLY
    kinds._kinds.pop(INBOX_ONLY, None)


@pytest.fixture
def mocker_delay(monkeypatch):
    """Replace outbox_send_chunk.delay with a recorder (no broker in unit tests)."""
    from unittest.mock import MagicMock

    from notifications.tasks import outbox_send_chunk

    recorder = MagicMock()
    monkeypatch.setattr(outbox_send_chunk, "delay", recorder)
    return recorder
