"""`manage.py check --deploy --fail-level WARNING` passes with production settings (DESIGN
section 10), and fails when they are weakened, so the check is really looking."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.test_settings_env import ROOT, clean_env, production_env


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = deploy_check(production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https(tmp_path):
    result = deploy_check(production_env(tmp_path, DJANGO_HTTPS="0"))

    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no HTTPS redirect


def test_deploy_check_fails_with_debug_on(tmp_path):
    result = deploy_check(production_env(tmp_path, DJANGO_DEBUG="1"))

    assert result.returncode != 0
    assert "security.W018" in result.stderr


@pytest.mark.parametrize("secret", ["short-and-guessable", "change-me", "change-me-" + "x" * 40])
def test_production_refuses_a_short_or_placeholder_secret_key(tmp_path, secret):
    result = deploy_check(production_env(tmp_path, DJANGO_SECRET_KEY=secret))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is a placeholder or too short" in result.stderr


def test_settings_refuse_to_start_with_debug_off_and_no_environment(tmp_path):
    result = deploy_check(clean_env(tmp_path))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
