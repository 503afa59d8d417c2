"""Celery beat's heartbeat in Redis: written at each tick, reported by /healthz, checked by the beat container."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from portal.celery import app as celery_app
from portal.home.beat import HEARTBEAT_KEY, HeartbeatScheduler

pytestmark = pytest.mark.django_db


def test_beat_writes_a_heartbeat_that_healthz_reports(settings, tmp_path, capsys):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert cache.get(HEARTBEAT_KEY) is None
    data = Client().get("/healthz").json()
    assert data["beat"] == {"ok": False, "detail": "no heartbeat"}
    with pytest.raises(CommandError):
        call_command("healthcheck", "--beat")
    scheduler = HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "beat-schedule"), lazy=False)
    try:
        assert scheduler.tick() <= 30  # beat wakes at least every 30 s to beat again
    finally:
        scheduler.close()
    data = Client().get("/healthz").json()
    assert data["beat"]["ok"] is True and data["beat"]["detail"].endswith("s ago")
    call_command("healthcheck", "--beat")
    assert '"ok": true' in capsys.readouterr().out
    # Stale: beat stopped three minutes ago. The web node stays healthy (200); beat's own check fails.
    cache.set(HEARTBEAT_KEY, time.time() - 180, None)
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["beat"]["ok"] is False
    with pytest.raises(CommandError):
        call_command("healthcheck", "--beat")
