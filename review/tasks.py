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
