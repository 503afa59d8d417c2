from celery import shared_task

from applications import services


@shared_task
def render_dossier_export(export_id: int) -> str:
    return services.render_export(export_id=export_id).status
