"""Celery application, configured from Django settings (CELERY_* names), per the Celery docs.

`task_cls` is Celery's DjangoTask so every task has `delay_on_commit` (DESIGN section 6).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

app = Celery("lms", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
