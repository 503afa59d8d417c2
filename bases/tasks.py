"""Thin Celery wrappers around the bases' services."""

from celery import shared_task

from bases import services


@shared_task
def remind_annual_reports() -> int:
    return services.remind_annual_reports()
