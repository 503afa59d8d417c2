"""JSON log lines with a request id that follows the request into its Celery tasks, /metrics for the operators'
network only, errors to Sentry when SENTRY_DSN is set."""

import gzip
import io
import json
import logging
import logging.config
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from portal.celery import app as celery_app
from portal.observability import RequestIdMiddleware
from tests.ops.conftest import ROOT, free_port, portal_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """The portal's JSON formatter and request filter, as LOGGING configures them, writing to a buffer."""
    config = django_settings.LOGGING
    formatter_config = dict(config["formatters"]["json"])
    factory = formatter_config.pop("()")
    formatter_config["fmt"] = formatter_config.pop("format")
    module, name = factory.rsplit(".", 1)
    formatter = getattr(__import__(module, fromlist=[name]), name)(**formatter_config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    from portal.observability import RequestContextFilter

    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def read() -> list[dict]:
        handler.flush()
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    def attach():  # again, after something reconfigured logging (a Celery worker does)
        root.addHandler(handler)
        root.setLevel(logging.INFO)

    read.attach = attach
    yield read
    root.removeHandler(handler)
    root.setLevel(previous)


def test_each_request_writes_a_json_access_line_with_its_id(json_lines, user_named):
    user = user_named("park_pazhou")
    client = Client()
    client.force_login(user)
    response = client.get("/workspace/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    access = [line for line in json_lines() if line["logger"] == "portal.request"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == request_id
    assert line["user_id"] == user.pk
    assert line["path"] == "/workspace/" and line["method"] == "GET" and line["status"] == response.status_code
    assert line["level"] == "INFO" and isinstance(line["duration_ms"], float)
    assert line["time"].endswith("+00:00")
    # A warning inside the request (Django's own "Not Found") carries the same kind of id.
    missing = Client().get("/no-such-page/")
    warnings = [x for x in json_lines() if x["logger"] == "django.request"]
    assert warnings and warnings[-1]["request_id"] == missing["X-Request-ID"] and warnings[-1]["level"] == "WARNING"


def test_the_proxy_s_request_id_is_kept_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == "abcdef0123456789"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="<bad id>")["X-Request-ID"] != "<bad id>"
    settings.TRUSTED_PROXIES = []
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] != "abcdef0123456789"


@celery_app.task(name="tests.ops.log_something")
def log_something(text: str) -> str:
    logging.getLogger("tests.ops.task").info("task says %s", text)
    return text


def test_the_request_id_travels_with_the_tasks_a_request_queues(json_lines, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    results = []

    def view(request):
        results.append(log_something.delay("hello"))
        return HttpResponse("queued")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        json_lines.attach()
        response = RequestIdMiddleware(view)(RequestFactory().get("/queue"))
        assert results[0].get(timeout=30) == "hello"
    request_id = response["X-Request-ID"]
    task_lines = [line for line in json_lines() if line["logger"] == "tests.ops.task"]
    assert task_lines and task_lines[0]["message"] == "task says hello"
    assert task_lines[0]["request_id"] == request_id  # the worker's thread has none of the request's context


def test_metrics_answer_the_operators_network_only(user_named, settings):
    client = Client()
    client.force_login(user_named("park_pazhou"))
    client.get("/workspace/")
    log_something.delay("counted")  # eager in tests: counted as succeeded
    response = Client().get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    for metric in ("django_http_requests_total_by_method_total", "django_http_requests_latency_seconds_by_view_method",
                   "django_db_execute_total", "django_cache_get_total",
                   'portal_celery_tasks_total{state="succeeded",task="tests.ops.log_something"}'):
        assert metric in body, metric
    # Not from elsewhere, and never through the proxy.
    assert Client(REMOTE_ADDR="203.0.113.5").get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["10.8.0.0/16"]
    assert Client().get("/metrics").status_code == 404
    assert Client(REMOTE_ADDR="10.8.3.4").get("/metrics").status_code == 200


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        _Collector.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_go_to_sentry_when_a_dsn_is_set():
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Collector.received.clear()
    script = ("import django; django.setup()\n"
              "import sentry_sdk\n"
              "try:\n    1 / 0\nexcept ZeroDivisionError:\n    sentry_sdk.capture_exception()\n"
              "sentry_sdk.flush(5)\n")
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env=portal_env(SENTRY_DSN=f"http://public@127.0.0.1:{port}/1", DEBUG="1"))
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 10
        while not _Collector.received and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.shutdown()
    envelope = b"".join(_Collector.received)
    assert b"ZeroDivisionError" in envelope
    # Without a DSN nothing is sent.
    _Collector.received.clear()
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=portal_env(DEBUG="1", SENTRY_DSN=""))
    assert done.returncode == 0 and not _Collector.received


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_counts_its_tasks_for_prometheus(tmp_path, settings):
    """The worker's main process serves the task counts of its prefork children (PROMETHEUS_MULTIPROC_DIR)."""
    import urllib.request
    import uuid

    from tests.ops.conftest import stop, wait_for

    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    port, queue = free_port(), f"ops-metrics-{uuid.uuid4().hex[:8]}"
    database = django_settings.DATABASES["default"]
    (tmp_path / "prom").mkdir()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "prefork", "--concurrency", "1",
         "-Q", queue, "-l", "warning", "-n", f"{queue}@%h", "--max-tasks-per-child", "5"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "worker.log", "wb"),  # noqa: SIM115
        env=portal_env(CELERY_METRICS_PORT=str(port), CELERY_METRICS_ADDRESS="127.0.0.1",
                       PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"), DEBUG="1", TESTING="1",
                       DATABASE_URL=f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                                    f"{database['PORT'] or 5432}/{database['NAME']}"))
    try:
        wait_for(f"http://127.0.0.1:{port}/metrics", worker, seconds=60)
        from publicity.tasks import close_due_notices

        assert close_due_notices.apply_async(queue=queue).get(timeout=60) == 0
        expected = 'portal_celery_tasks_total{state="succeeded",task="publicity.tasks.close_due_notices"} 1.0'
        deadline = time.monotonic() + 15  # the success signal follows the stored result
        while True:
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()  # noqa: S310
            if expected in body or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        stop(worker)
    assert expected in body, (tmp_path / "worker.log").read_text()[-2000:]
