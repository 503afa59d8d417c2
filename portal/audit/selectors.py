from django.contrib.contenttypes.models import ContentType

from portal.audit.models import AuditEvent


def history_of(obj):
    """The audit events about one object, newest first."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )
        .select_related("actor", "organization")
        .order_by("-created_at", "-id")
    )
