"""Frozen versions: a submitted, numbered copy of what was filed, never edited nor deleted.

Used by the dossier (``applications.ApplicationVersion``) and by the annual progress report
(``bases.AnnualReportVersion``): the model takes ``ImmutableModelMixin``; ``file_snapshot`` records a file as the
version saw it (name, type, size, SHA-256), so that a later change of the draft's files leaves the version whole."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableModelMixin(models.Model):
    """Saved once; a second save or a delete raises."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a submitted version is immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a submitted version is immutable")


class StoredFileRecord(models.Model):
    """An uploaded file as a draft holds it (the subclass adds ``file`` and what it belongs to): its name as
    uploaded, the type found by content, size, SHA-256, who and when. Removing it from the draft sets
    ``removed_at``; the file stays for the versions that list it."""

    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


def file_snapshot(file_record, **extra) -> dict:
    """What a version keeps of an uploaded file record (``original_name``, ``kind``, ``size``, ``sha256``,
    ``uploaded_at``), plus ``extra`` (e.g. the evidence category)."""
    return {"id": file_record.pk, **extra, "name": file_record.original_name, "kind": file_record.kind,
            "size": file_record.size, "sha256": file_record.sha256,
            "uploaded_at": file_record.uploaded_at.isoformat()}
