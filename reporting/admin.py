"""reporting keeps no tables of its own: its beat job (django-celery-beat) and its job runs
(accounts.JobRun) are edited where those models are registered."""
