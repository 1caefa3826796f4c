# The application image for docker-compose.yml: web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext compiles the French catalogues; nothing else is needed at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin lms

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Translations and static files are built into the image, so web, worker and beat all have
# them (the worker renders emails in each person's language). The keys here exist only for
# this build step and are thrown away with it.
RUN export DJANGO_DEBUG=0 LMS_VAR_DIR=/app/var DJANGO_ALLOWED_HOSTS=localhost \
      DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
      LMS_FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    && python manage.py compilemessages --ignore=var -v0 \
    && python manage.py collectstatic --no-input -v0 \
    && mkdir -p /app/var/media \
    && chown -R lms:lms /app/var

USER lms
EXPOSE 8000
CMD ["gunicorn", "lms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
