"""Long work as Celery tasks with stored progress and result: the one mechanism of the portal.

A *rendering* is a row (a model that extends ``RenderedFile``) with a status, a progress in percent, the
file once it is ready, the error when it failed and the time it took. ``request_rendering()`` creates or
re-queues the row and queues the task once the transaction commits; the task calls ``run_rendering()``,
which renders into a temporary file, reporting progress as it goes (every 5 % or every second, each
update committed at once so that the page polling it sees it), stores the file and marks the row ready,
or failed with the message. A page shows ``templates/_rendering_status.html``: a progress bar that htmx
polls every two seconds, the download when ready, the error and a "try again" button when it failed. A
rendering whose worker died (no progress for ``STALLED_SECONDS``) counts as failed and can be retried.

Used by the dossier exports (applications) and the ranking workbook and PDF (review).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STALLED_SECONDS = 15 * 60


class RenderedFile(models.Model):
    """Status, progress and outcome of a file rendered by a Celery task (subclasses add ``file``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def stalled(self) -> bool:
        return (self.status in (self.Status.QUEUED, self.Status.RENDERING)
                and self.updated_at is not None
                and timezone.now() - self.updated_at > timedelta(seconds=STALLED_SECONDS))

    @property
    def working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING) and not self.stalled

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED or self.stalled


def request_rendering(model: type[RenderedFile], *, task, again: bool = False, defaults: dict | None = None,
                      **lookup) -> RenderedFile:
    """The rendering of ``model`` identified by ``lookup``: created and queued the first time, queued
    again when it failed or stalled (or, with ``again``, when it is ready: the data changed)."""
    item, created = model.objects.get_or_create(**lookup, defaults=defaults or {})
    if created or item.failed or (again and item.status == model.Status.READY):
        model.objects.filter(pk=item.pk).update(status=model.Status.QUEUED, progress=0, error="",
                                                updated_at=timezone.now(), **(defaults or {}))
        transaction.on_commit(lambda: task.delay(item.pk))
        item.refresh_from_db()
    return item


def run_rendering(model: type[RenderedFile], pk: int, *, render: Callable, filename: Callable[[RenderedFile], str],
                  select_related: tuple[str, ...] = ()) -> RenderedFile:
    """Run by the Celery task. ``render(item, path=..., progress=...)`` writes the file at ``path`` (or
    returns its bytes) and may call ``progress(fraction)``; failures are stored with their message."""
    item = model.objects.select_related(*select_related).get(pk=pk)
    if item.status == model.Status.READY and item.file:
        return item
    model.objects.filter(pk=pk).update(status=model.Status.RENDERING, progress=0, updated_at=timezone.now())
    started = time.monotonic()
    reported = {"percent": 0, "at": started}

    def progress(fraction: float) -> None:
        percent = max(0, min(99, int(fraction * 100)))
        now = time.monotonic()
        if percent > reported["percent"] and (percent - reported["percent"] >= 5 or now - reported["at"] >= 1):
            model.objects.filter(pk=pk).update(progress=percent, updated_at=timezone.now())
            reported.update(percent=percent, at=now)

    try:
        with tempfile.TemporaryDirectory(prefix="portal-render-") as folder:
            path = Path(folder) / "out"
            content = render(item, path=path, progress=progress)
            if content is not None:
                path.write_bytes(content)
            if item.file:  # rendered again: the previous file goes
                item.file.delete(save=False)
            with path.open("rb") as stream:
                item.file.save(filename(item), File(stream), save=False)
    except Exception as exc:  # noqa: BLE001 - shown to the user as "failed", logged in full
        logger.exception("rendering %s %s failed", model.__name__, pk)
        model.objects.filter(pk=pk).update(status=model.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500],
                                           updated_at=timezone.now())
        item.refresh_from_db()
        return item
    item.status = model.Status.READY
    item.progress = 100
    item.seconds = time.monotonic() - started
    item.error = ""
    item.save()
    return item
