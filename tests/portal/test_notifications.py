"""Notifications: in-app rows, and emails sent by a real Celery worker through Redis."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from portal.celery import app as celery_app
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.notifications.tasks import email_notifications


@pytest.mark.django_db(transaction=True)
def test_notification_email_is_sent_by_a_real_worker(settings, user_named, mailoutbox):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    user = user_named("park_pazhou")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        # notify() queues the email task on commit; the worker picks it up from Redis.
        notification = notify(recipients=[user], title="申报已提交", body="您的申报已提交。",
                              link="/workspace/park/")[0]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.emailed_at:
                break
            time.sleep(0.2)
        # Sending again is harmless: nothing is emailed twice.
        assert email_notifications.delay([notification.pk]).get(timeout=30) == 0
    assert notification.emailed_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["park_pazhou@demo.gov.cn"]
    assert "/workspace/park/" in mailoutbox[0].body


@pytest.mark.django_db
def test_in_app_notifications_are_listed_and_marked_read(client_for, user_named):
    user = user_named("park_pazhou")
    notify(recipients=[user], title="退回修改通知")
    c = client_for("park_pazhou")
    page = c.get(reverse("workspace-park")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    assert "退回修改通知" in c.get(reverse("notifications")).content.decode()
    c.post(reverse("notifications-read"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    # Another user sees none of it.
    assert "退回修改通知" not in client_for("park_huangpu").get(reverse("notifications")).content.decode()
