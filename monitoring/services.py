"""统计监测: the one change of state of this app, the annual-report workbook's rendering (a Celery task)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from monitoring.models import AnnualReportExport
from portal.accounts.models import Organization


def organiser_for_export(user) -> Organization:
    """The organiser whose bases the user may export (the first, for an officer of several)."""
    from monitoring.selectors import organisations_of

    if not user.has_perm("monitoring.export_reports"):
        raise PermissionDenied
    ids = sorted(organisations_of(user))
    if not ids:
        raise PermissionDenied
    return Organization.objects.get(pk=ids[0])


def request_annual_report_export(*, user, again: bool = False, request=None) -> AnnualReportExport:
    """Queue the workbook of the organiser's accepted annual reports (again when ``again`` and the last one
    is ready: reports were accepted since); a failed or stalled one is queued again (retry)."""
    from monitoring.tasks import render_annual_report_export as task
    from portal.background import request_rendering

    organiser = organiser_for_export(user)
    return request_rendering(AnnualReportExport, task=task, again=again, defaults={"requested_by": user},
                             organiser=organiser)


def render_annual_report_export(*, export_id: int) -> AnnualReportExport:
    """Run by the Celery task: the write-only workbook goes straight to a file, with progress."""
    from monitoring import exports
    from portal.background import run_rendering

    def render(item, *, path, progress):
        return exports.annual_reports_xlsx(item.organiser, path=path, progress=progress)

    return run_rendering(AnnualReportExport, export_id, render=render,
                         filename=lambda e: f"annual-reports-{e.organiser_id}.xlsx", select_related=("organiser",))


