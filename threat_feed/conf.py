"""Settings of the trends feed, each with a default, read when used (so tests can override
them with `settings`). Set any of them in lms/settings.py or the environment-driven settings
to change it for a deployment."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # A source failing this many times in a row is paused and its analysts are told.
    "THREAT_FEED_PAUSE_AFTER_FAILURES": 5,
    # Bytes read from a feed before giving up (streamed: we stop reading past the limit).
    "THREAT_FEED_MAX_BYTES": 10 * 1024 * 1024,
    # An uploaded STIX bundle larger than this is refused.
    "THREAT_FEED_UPLOAD_MAX_BYTES": 2 * 1024 * 1024,
    # Seconds to connect and between bytes of the answer.
    "THREAT_FEED_TIMEOUT": 20,
    "THREAT_FEED_MAX_REDIRECTS": 5,
    # Refuse feed addresses on loopback, private and link-local networks (server-side request
    # forgery). Tests and a laptop demo serving a feed on 127.0.0.1 turn this on.
    "THREAT_FEED_ALLOW_PRIVATE_HOSTS": False,
    # Items kept from one fetch; the rest wait for the next fetch (or are never seen).
    "THREAT_FEED_MAX_ITEMS_PER_FETCH": 10_000,
    # A relevant item of at least this severity opens curriculum reviews.
    "THREAT_FEED_REVIEW_THRESHOLD": "high",
    # Days a trainer has to close a review, by the most severe item in it.
    "THREAT_FEED_REVIEW_DUE_DAYS": {"critical": 7, "high": 30, "medium": 60, "low": 90},
    # A published module without a review for this long is listed as stale.
    "THREAT_FEED_STALE_AFTER_DAYS": 365,
    # Items listed in the weekly digest notification.
    "THREAT_FEED_DIGEST_MAX_ITEMS": 10,
}


# Settings that can also come from the environment (a worker started for a laptop demo or an
# integration test that serves a feed on 127.0.0.1).
ENVIRONMENT = {"THREAT_FEED_ALLOW_PRIVATE_HOSTS": "LMS_TRENDS_ALLOW_PRIVATE_HOSTS"}


def feed_setting(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    variable = ENVIRONMENT.get(name)
    if variable and variable in os.environ:
        return os.environ[variable].strip().lower() in ("1", "true", "yes", "on")
    return DEFAULTS[name]


def feed_user_agent() -> str:
    custom = getattr(settings, "THREAT_FEED_USER_AGENT", "")
    if custom:
        return custom
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"CSEA-training-trends/1.0 (+{site}; text-only feed reader)"
