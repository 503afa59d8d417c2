from celery import shared_task

from review import services


@shared_task
def render_recommendation_letter(recommendation_id: int) -> None:
    services.store_letters(recommendation_id=recommendation_id)


@shared_task
def remind_recommending_units() -> int:
    return services.remind_units()


@shared_task
def remind_experts() -> int:
    return services.remind_experts()


@shared_task(autoretry_for=(Exception,), retry_backoff=5, max_retries=3)
def refresh_ranking_task(call_id: int) -> int:
    return services.refresh_ranking(call_id=call_id).applications


@shared_task
def render_ranking_export(export_id: int) -> str:
    return services.render_ranking_export(export_id=export_id).status
