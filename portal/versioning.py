"""Frozen versions: a submitted, numbered copy of what was filed, never edited nor deleted.

Used by the dossier (``applications.ApplicationVersion``) and by the annual progress report
(``bases.AnnualReportVersion``): the model takes ``ImmutableModelMixin``; ``file_snapshot`` records a file as the
version saw it (name, type, size, SHA-256), so that a later change of the draft's files leaves the version whole."""

from django.db import models


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


def file_snapshot(file_record, **extra) -> dict:
    """What a version keeps of an uploaded file record (``original_name``, ``kind``, ``size``, ``sha256``,
    ``uploaded_at``), plus ``extra`` (e.g. the evidence category)."""
    return {"id": file_record.pk, **extra, "name": file_record.original_name, "kind": file_record.kind,
            "size": file_record.size, "sha256": file_record.sha256,
            "uploaded_at": file_record.uploaded_at.isoformat()}
