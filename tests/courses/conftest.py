from tests.worker import celery_worker_process  # noqa: F401  (a real worker, for @worker tests)
