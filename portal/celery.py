"""The Celery application. Redis is the broker and result store; without REDIS_URL tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _observability() -> None:
    from celery import signals

    from portal.observability import connect_celery_signals, start_worker_metrics

    connect_celery_signals()
    signals.worker_init.connect(start_worker_metrics, weak=False, dispatch_uid="portal-worker-metrics")


_observability()
