import logging

from celery import shared_task

from portal.audit.chain import current_head

logger = logging.getLogger("portal.audit")


@shared_task
def log_chain_head() -> dict:
    """Daily anchor: the head of the audit chain written to the log, for the operator to keep elsewhere."""
    from portal.audit.models import AuditEvent

    head = AuditEvent.objects.order_by("-id").values("id", "created_at", "entry_hash").first()
    anchor = {"event_id": head["id"] if head else None, "hash": current_head(),
              "created_at": head["created_at"].isoformat() if head else None}
    logger.info("audit chain head: event #%s %s at %s", anchor["event_id"], anchor["hash"], anchor["created_at"],
                extra={"audit_chain_head": anchor})
    return anchor
