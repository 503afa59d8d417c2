from celery import shared_task

from publicity import services


@shared_task
def close_due_notices() -> int:
    return services.close_due_notices()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_objection_reply(objection_id: int) -> None:
    services.send_reply_email(objection_id=objection_id)


@shared_task
def render_designation_documents(designation_id: int) -> None:
    services.store_designation_documents(designation_id=designation_id)


@shared_task
def purge_objector_data() -> int:
    return services.purge_objector_data()
