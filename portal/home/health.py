"""Checks of the services the portal depends on, for /healthz."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, type(exc).__name__


def check_cache() -> tuple[bool, str]:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 5)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def check_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager"
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "broker"
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__


def check_fonts() -> tuple[bool, str]:
    """A CJK font for the PDF documents (without one they refuse to render)."""
    from portal.documents.fonts import font_report

    try:
        return font_report()
    except Exception as exc:  # noqa: BLE001 - Pango/fontconfig not loadable: no PDFs either
        return False, type(exc).__name__


def check_beat() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager"
    from portal.home.beat import beat_is_alive

    return beat_is_alive()


def health() -> tuple[bool, dict]:
    """The web node's health (database, cache, broker) and, reported beside it, Celery beat's heartbeat: a stale
    beat is shown but does not make the web node unhealthy (restarting web would not help it)."""
    report = {}
    healthy = True
    for name, check in (("database", check_database), ("cache", check_cache),
                        ("broker", check_broker), ("fonts", check_fonts)):
        ok, detail = check()
        healthy = healthy and ok
        report[name] = {"ok": ok, "detail": detail}
    ok, detail = check_beat()
    report["beat"] = {"ok": ok, "detail": detail}
    return healthy, report
