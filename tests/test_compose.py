"""docker-compose.yml, the Dockerfile and .env.example, read as files (no Docker engine runs
on the build machines): the full stack is wired the way DESIGN section 7 says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
# Read by settings only inside the test suite or CI, never in a deployment.
TEST_ONLY_VARIABLES = {"LMS_TESTING", "LMS_REQUIRE_FULL_STACK"}
# Settings refuse to start without these when DJANGO_DEBUG is off, or the stack needs them.
REQUIRED_VARIABLES = {
    "DJANGO_SECRET_KEY",
    "LMS_FIELD_ENCRYPTION_KEYS",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _healthcheck(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def _env_example() -> dict[str, str]:
    """NAME -> value for every `NAME=value` line, commented out (`# NAME=`) or not."""
    found = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            found[match.group(2)] = ("#" if match.group(1) else "") + match.group(3)
    return found


def _settings_variables() -> set[str]:
    source = (ROOT / "lms" / "settings.py").read_text()
    pattern = r"""(?:env(?:\.\w+)?\(|os\.environ(?:\.get)?[\(\[]|getenv\()\s*["']([A-Z0-9_]+)["']"""
    return set(re.findall(pattern, source))


def test_the_stack_has_exactly_database_broker_web_worker_and_beat(services):
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}


def test_postgres_is_16_with_a_readiness_check_and_a_named_volume(compose, services):
    postgres = services["postgres"]

    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in _healthcheck(postgres)
    assert "pgdata:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pgdata" in compose["volumes"]


def test_redis_keeps_queued_jobs_across_restarts_and_never_evicts_them(compose, services):
    redis = services["redis"]
    command = _command(redis)

    assert redis["image"].startswith("redis:7")
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command
    assert "redis-cli ping" in _healthcheck(redis)
    assert "redisdata:/data" in redis["volumes"]
    assert "redisdata" in compose["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_the_image_and_read_env_from_dot_env(services, name):
    service = services[name]

    assert service["build"] == "."
    assert service["env_file"] == ".env"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_a_healthy_database_and_broker(services, name):
    depends_on = services[name]["depends_on"]

    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_uploads_volume(compose, services, name):
    assert "media:/app/var/media" in services[name]["volumes"]
    assert "media" in compose["volumes"]


def test_web_migrates_and_collects_static_files_before_gunicorn_starts(services):
    command = _command(services["web"])

    migrate = command.index("manage.py migrate --no-input")
    collectstatic = command.index("manage.py collectstatic --no-input")
    gunicorn = command.index("gunicorn lms.wsgi")
    assert migrate < collectstatic < gunicorn
    assert "exec gunicorn" in command


def test_web_health_is_the_healthz_endpoint_with_time_to_start(services):
    web = services["web"]

    assert "/healthz" in _healthcheck(web)
    assert "start_period" in web["healthcheck"]


def test_worker_runs_celery_worker_after_migrations(services):
    command = _command(services["worker"])

    assert "celery -A lms worker" in command
    assert command.index("migrate --check") < command.index("celery -A lms worker")
    assert "inspect ping" in _healthcheck(services["worker"])


def test_beat_uses_the_database_scheduler_after_migrations(services):
    command = _command(services["beat"])

    assert "celery -A lms beat" in command
    assert "--scheduler django_celery_beat.schedulers:DatabaseScheduler" in command
    assert command.index("migrate --check") < command.index("celery -A lms beat")


def test_only_web_publishes_a_port(services):
    published = {name for name, service in services.items() if service.get("ports")}

    assert published == {"web"}


def test_every_named_volume_used_is_declared(compose, services):
    used = {
        volume.split(":", 1)[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }

    assert used == set(compose["volumes"])


def test_dockerfile_builds_a_slim_non_root_image_with_translations(services):
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert "gettext" in dockerfile
    assert "pip install ." in dockerfile
    assert "compilemessages" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}


def test_env_example_lists_every_variable_the_settings_read():
    listed = _env_example()
    read = _settings_variables() - TEST_ONLY_VARIABLES

    assert read, "no environment variables found in lms/settings.py: the pattern is stale"
    assert sorted(read - set(listed)) == []


def test_env_example_sets_the_required_variables_and_no_real_secret():
    listed = _env_example()

    unset = [name for name in REQUIRED_VARIABLES if listed.get(name, "#").startswith("#")]
    assert unset == []
    assert listed["DJANGO_SECRET_KEY"] == "change-me"
    assert listed["LMS_FIELD_ENCRYPTION_KEYS"] == "change-me"
    assert listed["DJANGO_DEBUG"] == "0"


def test_compose_database_url_matches_the_postgres_service_credentials():
    listed = _env_example()
    expected = (
        f"postgres://{listed['POSTGRES_USER']}:{listed['POSTGRES_PASSWORD']}"
        f"@postgres:5432/{listed['POSTGRES_DB']}"
    )

    assert listed["DATABASE_URL"] == expected
    assert listed["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
