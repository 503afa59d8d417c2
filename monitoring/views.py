"""统计监测 pages: the dashboard over the bases in the user's scope, one base's page, the workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bases.indicators import INDICATORS
from monitoring import charts, selectors, services, statistics
from monitoring.filters import DashboardFilter
from monitoring.models import AnnualReportExport
from portal.audit.services import record_event
from portal.lists import filtered_page
from publicity.models import DesignatedBase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHARE = statistics.EXPORT_SHARE
ENTERPRISES = statistics.ENTERPRISE_SHARE
MONEY = [i for i in INDICATORS if i.kind == "money"]
EXPORTS = [i for i in INDICATORS if i.field in ("digital_service_exports", "ict_services_exports")]


def _target_label() -> str:
    return _("%(year)s goal %(target)s%%") % {"year": SHARE.target_year, "target": SHARE.target}


@login_required
def dashboard(request):
    """Every base in scope: the yearly totals (table and chart), the share of digital-service exports of
    each base of the page in its latest reported year against the 2025 goal (chart and table), and each
    base's figures per year with growth and the years it did not report."""
    if not request.user.has_perm("monitoring.view_dashboard"):
        raise PermissionDenied
    context = filtered_page(request, DashboardFilter, selectors.dashboard_bases(request.user), per_page=50)
    bases = list(context["page"].object_list)
    rows = selectors.accepted_rows(context["filter"].qs.values("pk"))
    years = statistics.reported_years(rows)
    totals = statistics.year_totals(rows, indicators=INDICATORS, ratios=statistics.RATIOS, years=years)
    table = statistics.base_table([r for r in rows if r["base"] in {b.pk for b in bases}], indicators=INDICATORS,
                                  ratios=statistics.RATIOS, years=years, bases=[b.pk for b in bases])
    for base, row in zip(bases, table, strict=True):
        row.base = base
        row.latest_share = row.latest(SHARE.key)
        row.columns = [(year, row.cells["digital_service_exports"][i], row.cells[SHARE.key][i])
                       for i, year in enumerate(years)]
    latest = [(row.base.name, row.latest_share.value if row.latest_share else None) for row in table]
    context.update({
        "years": years, "totals": totals, "table": table, "share": SHARE, "enterprises": ENTERPRISES,
        "can_export": request.user.has_perm("monitoring.export_reports"),
        "export": AnnualReportExport.objects.filter(organiser_id__in=selectors.organisations_of(request.user))
        .order_by("organiser_id").first(),
        "totals_chart": charts.columns(
            years, [(str(i.label), {t.year: t.sums[i.field] for t in totals}) for i in EXPORTS],
            dom_id="chart-totals", unit=_("100 million yuan"),
            title=_("Exports of the bases per year"),
            desc=_("Sum over the bases that reported, per year: %(series)s. The table below gives the figures.")
            % {"series": "、".join(str(i.label) for i in EXPORTS)}),
        "share_chart": charts.bars(
            latest, dom_id="chart-share", target=SHARE.target, target_label=_target_label(),
            title=_("Share of digital service exports in foreign trade exports, latest reported year"),
            desc=_("One bar per base of this page; the dashed line is the goal of the work plan (%(source)s). "
                   "The table next to the chart gives the figures.") % {"source": SHARE.source}),
    })
    return render(request, "monitoring/dashboard.html", context, status=context["filter_status"])


@login_required
def base_detail(request, pk: int):
    """One base's figures per year (value and growth), its shares against the goals, as charts and tables."""
    base = get_object_or_404(DesignatedBase.objects.select_related("organiser", "park"), pk=pk)
    if not request.user.has_perm("monitoring.view_base", base):
        raise Http404
    rows = selectors.accepted_rows([base.pk])
    years = statistics.reported_years(rows)
    table = statistics.base_table(rows, indicators=INDICATORS, ratios=statistics.RATIOS, years=years,
                                  bases=[base.pk])[0]
    indicators = [(i, table.cells[i.field]) for i in INDICATORS]
    ratios = [(r, table.cells[r.key]) for r in statistics.RATIOS]
    return render(request, "monitoring/base.html", {
        "base": base, "years": years, "indicators": indicators, "ratios": ratios, "row": table,
        "read_only": not request.user.has_perm("monitoring.export_reports"),
        "money_chart": charts.columns(
            years, [(str(i.label), {c.year: c.value for c in table.cells[i.field]}) for i in EXPORTS],
            dom_id="chart-base-exports", unit=_("100 million yuan"), title=_("Exports per year"),
            desc=_("%(base)s, per reported year: %(series)s. The table next to the chart gives the figures.")
            % {"base": base.name, "series": "、".join(str(i.label) for i in EXPORTS)}),
        "share_chart": charts.bars(
            [(str(c.year), c.value) for c in table.cells[SHARE.key] if c.reported],
            dom_id="chart-base-share", target=SHARE.target, target_label=_target_label(),
            title=_("Share of digital service exports in foreign trade exports per year"),
            desc=_("%(base)s; the dashed line is the goal of the work plan (%(source)s).")
            % {"base": base.name, "source": SHARE.source}),
    })


@login_required
def export(request):
    """POST: queue the workbook (a Celery task; again, or after a failure: retry). GET with htmx: its status
    panel, polled until ready. GET: the file once ready (audited), else back to the dashboard."""
    organiser = services.organiser_for_export(request.user)
    if request.method == "POST":
        item = services.request_annual_report_export(user=request.user, again=bool(request.POST.get("again")),
                                                     request=request)
    else:
        item = AnnualReportExport.objects.filter(organiser=organiser).first()
        if not request.headers.get("HX-Request"):
            if item is None or item.status != AnnualReportExport.Status.READY or not item.file:
                return redirect("monitoring:dashboard")
            record_event(verb="monitoring.reports_exported", actor=request.user, target=organiser,
                         organization=organiser, data={"export": item.pk}, request=request)
            return FileResponse(item.file.open("rb"), as_attachment=True, content_type=XLSX,
                                filename=f"annual-reports-{organiser.pk}.xlsx")
    if request.headers.get("HX-Request"):
        return render(request, "monitoring/_export.html", {"export": item})
    return redirect("monitoring:dashboard")
