from celery import shared_task

from rereview import services


@shared_task
def render_revocation_documents(revocation_id: int) -> None:
    services.store_revocation_documents(revocation_id=revocation_id)
