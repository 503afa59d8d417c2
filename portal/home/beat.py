"""Celery beat's heartbeat: beat writes the time into Redis at every tick (at least every 30 s); /healthz reports
its age and `manage.py healthcheck --beat` (the beat container's health check) fails when it is stale.

Run beat with this scheduler: ``celery -A portal beat -S portal.home.beat:HeartbeatScheduler``. There must be
exactly one beat in an installation (docs/operator-guide.md): two would queue every scheduled task twice.
"""

import time

from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.cache import cache

HEARTBEAT_KEY = "portal:beat:heartbeat"
HEARTBEAT_INTERVAL = 30.0


def write_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since beat's last tick, None when it never ticked."""
    value = cache.get(HEARTBEAT_KEY)
    return None if value is None else max(0.0, time.time() - float(value))


def beat_is_alive() -> tuple[bool, str]:
    try:
        age = heartbeat_age()
    except Exception as exc:  # noqa: BLE001 - the cache is down: reported by its own check
        return False, type(exc).__name__
    if age is None:
        return False, "no heartbeat"
    return age <= settings.BEAT_HEARTBEAT_MAX_AGE, f"{age:.0f} s ago"


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        try:
            write_heartbeat()
        except Exception:  # noqa: BLE001 - a Redis hiccup must not stop the schedule; the health check sees it
            pass
        return min(super().tick(*args, **kwargs), HEARTBEAT_INTERVAL)
