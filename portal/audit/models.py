"""The audit log (审计日志): append-only records of who did what, when and from where."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    verb = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    target_id = models.CharField(_("object id"), max_length=40, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Set by record_event before the hash is computed (the time is part of what the hash proves).
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash of this event"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.verb} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")
