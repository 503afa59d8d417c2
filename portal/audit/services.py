"""The one way to write the audit log."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from portal.audit import chain
from portal.audit.models import AuditEvent
from portal.clientip import client_ip


def record_event(
    *,
    verb: str,
    actor=None,
    target: models.Model | None = None,
    organization=None,
    data: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Append one event, linked to the one before it (see portal.audit.chain). ``request`` supplies the IP
    address; ``actor`` defaults to its user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        actor=actor,
        organization=organization,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
        ip_address=client_ip(request),
    )
    with transaction.atomic():
        chain.lock_chain()
        event.created_at = timezone.now()
        event.prev_hash = chain.current_head()
        event.entry_hash = chain.entry_hash(
            prev_hash=event.prev_hash, actor_id=event.actor_id, organization_id=event.organization_id,
            verb=event.verb, target_type_id=event.target_type_id, target_id=event.target_id,
            target_repr=event.target_repr, data=event.data, ip_address=event.ip_address,
            created_at=event.created_at)
        event.save()
    return event
