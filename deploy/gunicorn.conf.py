"""gunicorn's settings in the container (environment variables override the defaults)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Recycle workers now and then (a slow leak never grows without bound), not all at the same moment.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# The longest request: an upload of the largest file over a slow 政务外网 link and its checks (renders run in
# Celery, not in a request). nginx's proxy_read_timeout is 130 s, just above.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# The portal writes its own JSON access line (portal.observability); gunicorn's errors go to standard error.
accesslog = None
errorlog = "-"
worker_tmp_dir = "/dev/shm"  # noqa: S108 - heartbeat files on tmpfs, not on the read-only code
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "")


def child_exit(server, worker):
    # Metrics of a recycled worker (PROMETHEUS_MULTIPROC_DIR) are marked dead, so gauges stay right.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
