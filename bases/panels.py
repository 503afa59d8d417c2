"""Workspace panels: the annual progress reports and bases each role deals with (a fixed handful of queries)."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from bases import selectors
from bases.models import AnnualReport
from publicity.models import DesignatedBase

REPORTS_SHOWN = 5


def park_panel(request) -> str:
    """The park: its reports still to file (draft or returned), nearest deadline first."""
    reports = selectors.reports_visible_to(request.user).filter(status__in=AnnualReport.EDITABLE) \
        .order_by("period__deadline", "pk")[:REPORTS_SHOWN]
    reports = list(reports)
    if not reports:
        return ""
    return render_to_string("bases/panels/reports.html", {"reports": reports, "today": timezone.localdate(),
                                                          "heading_id": "bases-park"}, request=request)


def city_panel(request) -> str:
    """The city bureau: the reports of its city's bases most recently submitted."""
    reports = list(selectors.reports_visible_to(request.user).order_by("-submitted_at", "pk")[:REPORTS_SHOWN])
    if not reports:
        return ""
    return render_to_string("bases/panels/reports.html", {"reports": reports, "today": timezone.localdate(),
                                                          "heading_id": "bases-city"}, request=request)


def organiser_panel(request) -> str:
    """The organiser: its bases by status, the reports awaiting its decision and those overdue."""
    bases = selectors.bases_visible_to(request.user)
    by_status = dict(bases.order_by().values_list("status").annotate(n=Count("pk")))
    if not by_status:
        return ""
    today = timezone.localdate()
    reports = selectors.reports_visible_to(request.user).order_by().aggregate(
        submitted=Count("pk", filter=Q(status=AnnualReport.Status.SUBMITTED)),
        overdue=Count("pk", filter=Q(status__in=AnnualReport.EDITABLE, period__deadline__lt=today)))
    statuses = [(label, by_status.get(value, 0), value) for value, label in DesignatedBase.Status.choices]
    return render_to_string("bases/panels/organiser.html", {"statuses": statuses, **reports}, request=request)
