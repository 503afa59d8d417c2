#!/bin/sh
# The container's entry point: prepare what the process needs, then `exec` it, so that the process itself (gunicorn,
# celery) is PID 1's child of tini (compose `init: true`) and receives SIGTERM directly: no shell stays in between.
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  # Metrics of the previous run's processes must not be added to this one's.
  rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
exec "$@"
