"""The one env-driven settings module (DESIGN section 7), loaded in a fresh Python process per
case: the embedded default and the full stack are chosen by environment variables alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM="
PRODUCTION_SECRET = "x" * 20 + "-production-like-secret-for-tests-only-0123456789"


def clean_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """A process environment with none of the developer's or CI's settings in it."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LMS_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(overrides)
    return env


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    settings = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": PRODUCTION_SECRET,
        "LMS_FIELD_ENCRYPTION_KEYS": PRODUCTION_KEY,
        "DJANGO_ALLOWED_HOSTS": "training.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://training.example.org",
        "DJANGO_HTTPS": "1",
    }
    return clean_env(var_dir, **(settings | overrides))


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(env: dict[str, str], *names: str) -> dict:
    """The named settings as JSON-friendly values, read in a fresh process."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_generates_a_private_secret_once(tmp_path):
    env = clean_env(tmp_path, DJANGO_DEBUG="1")

    first = load_settings(env, "SECRET_KEY")["SECRET_KEY"]
    second = load_settings(env, "SECRET_KEY")["SECRET_KEY"]

    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_embedded_default_is_sqlite_and_the_filesystem_broker_under_var(tmp_path):
    loaded = load_settings(
        clean_env(tmp_path, DJANGO_DEBUG="1"), "DATABASES", "CELERY_BROKER_URL", "IS_POSTGRES"
    )

    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["DATABASES"]["default"]["NAME"] == str(tmp_path / "db.sqlite3")
    assert loaded["CELERY_BROKER_URL"] == "filesystem://"
    assert loaded["IS_POSTGRES"] is False
    assert (tmp_path / "broker" / "queue").is_dir()


def test_full_stack_urls_select_postgres_redis_broker_and_redis_cache(tmp_path):
    env = clean_env(
        tmp_path,
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://lms:secret@db.internal:5432/lms",
        CELERY_BROKER_URL="redis://queue.internal:6379/0",
        CACHE_URL="redis://queue.internal:6379/1",
    )

    loaded = load_settings(
        env, "DATABASES", "CELERY_BROKER_TRANSPORT_OPTIONS", "CACHES", "IS_POSTGRES"
    )

    database = loaded["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db.internal"
    assert database["CONN_HEALTH_CHECKS"] is True
    assert loaded["IS_POSTGRES"] is True
    # Well under Redis's one-hour default and longer than the longest task.
    assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 15 * 60
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert not (tmp_path / "broker").exists()


def test_production_turns_on_https_rules_and_strict_cookies(tmp_path):
    loaded = load_settings(
        production_env(tmp_path),
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "X_FRAME_OPTIONS",
    )

    assert loaded == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_session_rules_default_to_30_minutes_idle_and_12_hours_absolute(tmp_path):
    loaded = load_settings(
        production_env(tmp_path),
        "SESSION_COOKIE_AGE",
        "SESSION_ABSOLUTE_TIMEOUT",
        "SESSION_SAVE_EVERY_REQUEST",
        "ACCOUNT_INACTIVITY_DISABLE_DAYS",
    )

    assert loaded == {
        "SESSION_COOKIE_AGE": 30 * 60,
        "SESSION_ABSOLUTE_TIMEOUT": 12 * 60 * 60,
        "SESSION_SAVE_EVERY_REQUEST": False,  # renewed once a minute by the middleware
        "ACCOUNT_INACTIVITY_DISABLE_DAYS": 90,
    }


def test_content_security_policy_allows_no_inline_script_or_style(tmp_path):
    csp = load_settings(production_env(tmp_path), "CONTENT_SECURITY_POLICY")[
        "CONTENT_SECURITY_POLICY"
    ]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in csp


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("LMS_FIELD_ENCRYPTION_KEYS", "LMS_FIELD_ENCRYPTION_KEYS must be set"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing, message):
    env = production_env(tmp_path)
    del env[missing]

    result = run_python("import django; django.setup()", env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "field_encryption_key").exists()
