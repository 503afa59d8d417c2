from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from portal.notifications.models import Notification


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "") -> list[Notification]:
    """Create in-app notifications and queue their emails once the transaction commits."""
    created = [
        Notification.objects.create(recipient=user, title=title, body=body, link=link)
        for user in {u.pk: u for u in recipients}.values()
    ]
    ids = [n.pk for n in created]
    if ids:
        from portal.notifications.tasks import email_notifications

        transaction.on_commit(lambda: email_notifications.delay(ids))
    return created


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
