"""What an operator sees of the running portal: request ids, JSON log lines, Prometheus metrics, Sentry.

- Every request gets an id (``X-Request-ID`` from a trusted proxy when well formed, otherwise a new one), echoed
  in the response, written in every log line of the request and passed to the Celery tasks it queues, whose log
  lines carry it too.
- Log lines are JSON (python-json-logger) with time, level, logger, request id, user id and path; the access line
  of each request adds method, status and duration.
- ``/metrics`` (django-prometheus: requests, latency, database, cache; plus Celery task counts) answers only
  connections from ``METRICS_ALLOWED_NETWORKS`` that did not come through the proxy.
- Sentry (or GlitchTip) receives errors when ``SENTRY_DSN`` is set.
"""

import contextvars
import ipaddress
import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.signals import request_finished
from django.http import Http404
from django_prometheus.cache.metrics import django_cache_get_total, django_cache_hits_total, django_cache_misses_total
from prometheus_client import Counter

from portal.clientip import trusted_networks

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("portal_request_id", default="")
_request: contextvars.ContextVar = contextvars.ContextVar("portal_request", default=None)
REQUEST_ID_HEADER = "portal_request_id"  # the Celery message header that carries it
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,128}$")

access_log = logging.getLogger("portal.request")

celery_tasks = Counter("portal_celery_tasks", "Celery tasks by name and outcome (published, succeeded, failed, "
                       "retried).", ["task", "state"])


def current_request_id() -> str:
    return _request_id.get()


def _from_trusted_proxy(request) -> bool:
    try:
        remote = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return False
    return any(remote.version == net.version and remote in net for net in trusted_networks())


class RequestIdMiddleware:
    """The first middleware after Prometheus': gives the request its id, logs one access line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _WELL_FORMED.match(incoming) and _from_trusted_proxy(request) else uuid.uuid4().hex
        request.request_id = request_id
        _request_id.set(request_id)
        _request.set(request)
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            access_log.info("%s %s %s", request.method, request.path, status, extra={
                "method": request.method, "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1)})
            # Django logs 4xx/5xx ("Not Found: ...") after the middleware returns: the id stays until the
            # response is closed (request_finished) or the next request of this thread begins.


def _clear_request_context(**kwargs) -> None:
    _request_id.set("")
    _request.set(None)


request_finished.connect(_clear_request_context, dispatch_uid="portal-obs-request-finished")


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id and path to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get() or None
        if not hasattr(record, "user_id"):
            # Only a user the request already loaded: a log line never runs a query of its own.
            user = getattr(request, "_cached_user", None) if request is not None else None
            record.user_id = user.pk if user is not None and user.is_authenticated else None
        if not hasattr(record, "path"):
            record.path = request.path if request is not None else None
        return True


# --- Celery: the request id travels with the task -----------------------------------------------------------

_task_tokens: dict[str, contextvars.Token] = {}


def _on_publish(sender=None, headers=None, **kwargs):
    request_id = _request_id.get()
    if headers is not None and request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)
    celery_tasks.labels(task=str(sender), state="published").inc()


def _on_prerun(task_id=None, task=None, **kwargs):
    carried = getattr(task.request, REQUEST_ID_HEADER, None) or (task.request.headers or {}).get(REQUEST_ID_HEADER)
    # Eager tasks run inside the request and keep its id; a task queued by nobody gets one of its own.
    _task_tokens[task_id] = _request_id.set(carried or _request_id.get() or f"task-{task_id}")


def _on_postrun(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _request_id.reset(token)


def _on_success(sender=None, **kwargs):
    celery_tasks.labels(task=sender.name, state="succeeded").inc()


def _on_failure(sender=None, **kwargs):
    celery_tasks.labels(task=sender.name, state="failed").inc()


def _on_retry(sender=None, **kwargs):
    celery_tasks.labels(task=sender.name, state="retried").inc()


def _django_logging(**kwargs) -> None:
    """The worker and beat log through Django's LOGGING (JSON lines), not Celery's own format."""
    import logging.config

    logging.config.dictConfig(settings.LOGGING)


def connect_celery_signals() -> None:
    from celery import signals

    signals.setup_logging.connect(_django_logging, weak=False, dispatch_uid="portal-obs-logging")
    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="portal-obs-publish")
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="portal-obs-prerun")
    signals.task_postrun.connect(_on_postrun, weak=False, dispatch_uid="portal-obs-postrun")
    signals.task_success.connect(_on_success, weak=False, dispatch_uid="portal-obs-success")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="portal-obs-failure")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="portal-obs-retry")


def start_worker_metrics(**kwargs) -> None:
    """In the Celery worker's main process: /metrics on CELERY_METRICS_PORT (task counts of all its children,
    through PROMETHEUS_MULTIPROC_DIR)."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import CollectorRegistry, start_http_server

    registry = None
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), addr=os.environ.get("CELERY_METRICS_ADDRESS", "0.0.0.0"),  # noqa: S104
                      **({"registry": registry} if registry else {}))


# --- /metrics --------------------------------------------------------------------------------------------------

def metrics_allowed(request) -> bool:
    """Prometheus scrapes the web nodes directly from the operators' network; nothing through the proxy."""
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        remote = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return False
    for entry in settings.METRICS_ALLOWED_NETWORKS:
        network = ipaddress.ip_network(entry, strict=False)
        if remote.version == network.version and remote in network:
            return True
    return False


def metrics(request):
    if not metrics_allowed(request):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, counting gets, hits and misses for /metrics (django-prometheus' own metrics)."""

    _missing = object()

    def get(self, key, default=None, version=None):
        django_cache_get_total.labels(backend="redis").inc()
        value = super().get(key, self._missing, version)
        if value is self._missing:
            django_cache_misses_total.labels(backend="redis").inc()
            return default
        django_cache_hits_total.labels(backend="redis").inc()
        return value


# --- Sentry ----------------------------------------------------------------------------------------------------

def init_sentry(dsn: str) -> None:
    """Errors of web and tasks to Sentry or GlitchTip; no personal data (cookies, bodies, user names) is sent."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
        max_request_body_size="never",
    )
