from celery import shared_task

from monitoring import services


@shared_task
def render_annual_report_export(export_id: int) -> str:
    return services.render_annual_report_export(export_id=export_id).status
