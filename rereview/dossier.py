"""The dossier of a base under re-review: its annual progress reports of the period (年度建设进展报告, the
``bases`` app), frozen into version 1 of the round's application when the round starts.

The version carries its chapters already laid out (``data["outline"]``, the structure of
``applications.exports.dossier_outline``: sections of blocks of fields, text and tables, plain strings), so that
the expert's task page, the version page and the Word and PDF volumes show the reports without knowing them."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bases.indicators import INDICATORS
from bases.models import AnnualReport, AnnualReportVersion
from portal.documents import EMPTY, cn_date


def reports_of(base, period_from: int, period_to: int) -> list[AnnualReport]:
    """The base's reports of the period that were submitted (a draft is not evidence), oldest year first."""
    return list(AnnualReport.objects.filter(base=base, period__year__gte=period_from, period__year__lte=period_to,
                                            latest_version_number__gt=0)
                .select_related("period").order_by("period__year", "pk"))


def _columns(specs) -> list[dict]:
    total = sum(weight for _label, weight, _align, _mono in specs)
    return [{"label": str(label), "width": round(100 * weight / total, 2), "align": align, "mono": mono}
            for label, weight, align, mono in specs]


def _block(kind: str, title: str = "", note: str = "", **content) -> dict:
    return {"type": kind, "title": str(title), "anchor": "", "note": str(note), **content}


def _value(value) -> str:
    return EMPTY if value in (None, "") else str(value)


def _report_section(report: AnnualReport, version: AnnualReportVersion) -> dict:
    data = version.data or {}
    year = report.period.year
    figures = [{"label": str(i.label), "value": _value(data.get(i.field))} for i in INDICATORS]
    blocks = [
        _block("fields", title=_("Indicators"), rows=figures,
               note=_("Version %(n)s, submitted on %(date)s; status: %(status)s.") % {
                   "n": version.number, "date": cn_date(timezone.localtime(version.submitted_at)),
                   "status": report.get_status_display()}),
        _block("text", title=_("Progress of the base's construction"),
               paragraphs=[p.strip() for p in (data.get("narrative") or "").splitlines() if p.strip()] or [EMPTY]),
    ]
    files = [f for f in (version.attachments or []) if isinstance(f, dict)]
    blocks.append(_block(
        "table", title=_("Evidence"),
        columns=_columns([(_("No."), 0.8, "center", False), (_("File name"), 4, "left", False),
                          ("SHA-256", 5, "left", True)]),
        rows=[[str(n), _value(f.get("name")), _value(f.get("sha256"))] for n, f in enumerate(files, start=1)]))
    return {"key": f"report-{year}", "title": _("Annual progress report %(year)s") % {"year": year},
            "blocks": blocks}


def _summary_section(versions: list[tuple[AnnualReport, AnnualReportVersion]]) -> dict:
    years = [str(report.period.year) for report, _version in versions]
    columns = _columns([(_("Indicator"), 5, "left", False), *[(y, 2, "right", False) for y in years]])
    rows = [[str(i.label), *[_value((version.data or {}).get(i.field)) for _report, version in versions]]
            for i in INDICATORS]
    note = "" if versions else _("The base submitted no annual report for the period.")
    return {"key": "summary", "title": _("Indicators over the period"),
            "blocks": [_block("table", title="", note=note, columns=columns, rows=rows)]}


def version_data(rnd, base, reports: list[AnnualReport]) -> dict:
    """The data of the re-review application's version 1: the cover, the period, the stored outline."""
    latest = {v.report_id: v for v in AnnualReportVersion.objects.filter(report__in=reports).order_by("report",
                                                                                                      "number")}
    versions = [(r, latest[r.pk]) for r in reports if r.pk in latest]
    park = base.park
    return {
        "dossier_title": _("Re-review dossier of a digital service export base"),
        "cover": {"park_name": base.name},
        "rereview": {"round": rnd.pk, "base": base.pk, "park": park.pk if park else None,
                     "period": [rnd.period_from, rnd.period_to],
                     "reports": [{"report": r.pk, "version": v.number, "year": r.period.year} for r, v in versions]},
        "outline": [_summary_section(versions), *[_report_section(r, v) for r, v in versions]],
    }
