"""Pages of a base's life: the public directory and a base's page (status and history), the organiser's status
decision, the annual progress reports (list, report page, the park's editing, the organiser's decision)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.views import CONTENT_TYPES
from bases import selectors, services
from bases.filters import BaseFilter, ReportFilter
from bases.forms import EvidenceForm, PeriodForm, ReportForm, ReturnForm, StatusChangeForm
from bases.indicators import EXPORT_SHARE_GOAL, INDICATORS, share
from bases.models import AnnualReport, BaseStatusChange, ReportEvidence
from bases.rules import is_park_of_report
from portal.accounts.models import Organization, Role
from portal.accounts.selectors import organization_ids_for_role
from portal.audit.services import record_event
from portal.files import private_file_response
from portal.formerrors import add_errors
from portal.home.caching import public_cache
from portal.lists import filtered_page
from publicity.models import DesignatedBase

# --- public ----------------------------------------------------------------------------------------

@public_cache
def directory(request):
    """/bases/: every designated base with its status; revoked bases stay listed as such."""
    listing = filtered_page(request, BaseFilter, selectors.public_bases(), per_page=100)
    bases = list(listing["page"].object_list)
    history = selectors.status_history(bases)
    rows = [(b, history.get(b.pk, [])) for b in bases]
    return render(request, "bases/directory.html", {
        "rows": rows, "bases": bases, "level": request.GET.get("level") or "", **listing,
    }, status=listing["filter_status"])


@public_cache
def base_detail(request, pk: int):
    """A base's page: its designation and the history of its status, each decision with its document."""
    base = get_object_or_404(DesignatedBase.objects.select_related("designation", "park", "organiser"), pk=pk)
    history = selectors.status_history([base]).get(base.pk, [])
    user = request.user
    return render(request, "bases/base.html", {
        "base": base, "history": history,
        "can_change": user.is_authenticated and user.has_perm("bases.change_status", base)
        and bool(services.status_changes(base)),
        "can_download": user.is_authenticated and user.has_perm("bases.view_status_documents", base),
    })


# --- the organiser's status decision ------------------------------------------------------------------

@login_required
def change_status(request, pk: int):
    base = get_object_or_404(DesignatedBase.objects.select_related("park", "organiser"), pk=pk)
    if not request.user.has_perm("bases.change_status", base):
        raise PermissionDenied
    if not services.status_changes(base):
        messages.error(request, _("A revoked base cannot change status: it regains a title only by a new "
                                  "designation."))
        return redirect("bases:base", pk=base.pk)
    status = 200
    if request.method == "POST":
        form = StatusChangeForm(request.POST, request.FILES, base=base)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_base_status(
                    base=base, status=data["status"], user=request.user, document_number=data["document_number"],
                    document_date=data["document_date"], document_file=data["document_file"],
                    deadline=data["deadline"], reason=data["reason"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The status of the base is changed; the park is told."))
                return redirect("bases:base", pk=base.pk)
        status = 400
    else:
        form = StatusChangeForm(base=base)
    return render(request, "bases/change_status.html", {"base": base, "form": form}, status=status)


@login_required
def status_document(request, pk: int):
    change = get_object_or_404(BaseStatusChange.objects.select_related("base"), pk=pk)
    if not request.user.has_perm("bases.view_status_documents", change.base) or not change.document_file:
        raise Http404
    record_event(verb="base.status_document_downloaded", actor=request.user, target=change.base,
                 organization=change.base.organiser, data={"change": change.pk}, request=request)
    return private_file_response(change.document_file, filename=change.document_name or "document.pdf",
                                 content_type="application/pdf")


# --- reports ---------------------------------------------------------------------------------------

def _organiser_orgs(user):
    return Organization.objects.filter(pk__in=organization_ids_for_role(user, Role.PROVINCIAL_OFFICER)).order_by("name")


@login_required
def reports(request):
    """The annual reports the user deals with: the park's own, the city's bases' (submitted), the organiser's
    (with the overdue ones flagged), and the organiser's reporting periods."""
    visible = selectors.reports_visible_to(request.user)
    organisers = _organiser_orgs(request.user)
    if not organisers.exists() and not visible.exists():
        raise PermissionDenied
    listing = filtered_page(request, ReportFilter, visible, per_page=100)
    return render(request, "bases/reports.html", {
        "reports": listing["page"].object_list, "today": timezone.localdate(),
        "periods": list(selectors.periods_visible_to(request.user)) if organisers else [],
        "can_open": bool(organisers), **listing,
    }, status=listing["filter_status"])


@login_required
def open_period(request):
    organisers = _organiser_orgs(request.user)
    if not organisers.exists():
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = PeriodForm(request.POST, organisers=organisers)
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = services.open_reporting_period(organiser=data["organiser"], year=data["year"],
                                                        deadline=data["deadline"], user=request.user,
                                                        request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The bases are asked for their reports on %(year)s (%(n)s reports).")
                                 % {"year": period.year, "n": period.reports.count()})
                return redirect("bases:reports")
        status = 400
    else:
        today = timezone.localdate()
        form = PeriodForm(organisers=organisers, initial={"organiser": organisers.first(), "year": today.year - 1})
    return render(request, "bases/open_period.html", {"form": form}, status=status)


def _get_report(request, pk: int, perm: str = "bases.view_report") -> AnnualReport:
    report = get_object_or_404(AnnualReport.objects.select_related(
        "period__organiser", "base__park__region", "base__organiser", "decided_by"), pk=pk)
    if not request.user.has_perm(perm, report):
        if not request.user.has_perm("bases.view_report", report):
            raise Http404  # another organisation's report does not exist, as far as this user can tell
        raise PermissionDenied
    return report


def _form_initial(report: AnnualReport, user) -> tuple[dict, str | None]:
    """The saved values, or the text this user typed last time (kept by autosave) when newer."""
    initial = {i.field: "" if getattr(report, i.field) is None else getattr(report, i.field) for i in INDICATORS}
    initial["narrative"] = report.narrative
    kept = (report.draft or {}).get(str(user.pk))
    if kept and kept.get("base_revision") == report.revision:
        initial.update(kept.get("raw", {}))
        return initial, kept.get("saved_at")
    return initial, None


@login_required
def report_detail(request, pk: int):
    report = _get_report(request, pk)
    user = request.user
    editable = user.has_perm("bases.edit_report", report)
    status, conflict, restored = 200, None, None
    form = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = ReportForm(request.POST)
        form.is_valid()
        values = {i.field: request.POST.get(i.field, "") for i in INDICATORS}
        try:
            revision = int(request.POST.get("_revision", "-1"))
        except ValueError:
            revision = -1
        try:
            services.save_report(report=report, user=user, values=values, narrative=request.POST.get("narrative", ""),
                                 base_revision=revision, request=request)
        except services.ReportConflict as exc:
            conflict = exc.messages[0]
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("The report is saved."))
            if request.POST.get("_action") == "submit":
                return redirect("bases:submit", pk=report.pk)
            return redirect("bases:report", pk=report.pk)
    elif editable:
        initial, restored = _form_initial(report, user)
        form = ReportForm(initial=initial)
    return render(request, "bases/report.html", _report_context(
        request, report, editable=editable, form=form, conflict=conflict, restored_at=restored), status=status)


def _report_context(request, report: AnnualReport, *, editable: bool, form=None, return_form=None, **extra) -> dict:
    """The report page: the park editing sees its draft; every other reader the version last submitted."""
    versions = list(selectors.versions_of(report))
    shown = versions[0].data if versions and not editable else None
    values = shown if shown is not None else {i.field: getattr(report, i.field) for i in INDICATORS}
    return {
        "report": report, "form": form, "editable": editable, "versions": versions, "shown": shown,
        "rows": _indicator_rows(shown, report),
        "export_share": share(values.get("digital_service_exports"), values.get("foreign_trade_exports")),
        "enterprise_share": share(values.get("digital_service_enterprise_count"), values.get("enterprise_count")),
        "evidence": list(selectors.active_evidence(report)) if editable else (versions[0].attachments
                                                                               if versions else []),
        "evidence_form": EvidenceForm() if editable else None,
        "can_decide": request.user.has_perm("bases.decide_report", report),
        "return_form": return_form or ReturnForm(), "goal": EXPORT_SHARE_GOAL, "overdue": report.is_overdue(),
        **extra,
    }


def _indicator_rows(data: dict | None, report: AnnualReport) -> list[tuple[str, str]]:
    if data is None:
        return [(i.label, getattr(report, i.field)) for i in INDICATORS]
    return [(i.label, data.get(i.field)) for i in INDICATORS]


@login_required
@require_POST
def autosave(request, pk: int):
    report = _get_report(request, pk, "bases.edit_report")
    services.autosave_report(report=report, user=request.user,
                             raw={k: v for k, v in request.POST.items() if not k.startswith("_")})
    when = timezone.localtime().strftime("%H:%M:%S")
    return HttpResponse(escape(_("Kept automatically at %(time)s (not yet saved).") % {"time": when}))


@login_required
def submit(request, pk: int):
    report = _get_report(request, pk, "bases.edit_report")
    status = 200
    errors = []
    if request.method == "POST":
        try:
            services.submit_report(report=report, user=request.user, request=request)
        except ValidationError as exc:
            labels = {i.field: str(i.label) for i in INDICATORS} | {"narrative": _("Narrative")}
            errors = [f"{labels.get(field, field)}：{' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            status = 400
        else:
            messages.success(request, _("The report is submitted to the organiser."))
            return redirect("bases:report", pk=report.pk)
    return render(request, "bases/submit.html", {
        "report": report, "errors": errors, "rows": _indicator_rows(None, report),
        "export_share": report.digital_export_share, "enterprise_share": report.digital_enterprise_share,
        "goal": EXPORT_SHARE_GOAL, "evidence": list(selectors.active_evidence(report)),
        "overdue": report.is_overdue(),
    }, status=status)


@login_required
@require_POST
def upload_evidence(request, pk: int):
    report = _get_report(request, pk, "bases.edit_report")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = services.add_report_evidence(report=report, user=request.user,
                                                    uploaded_file=form.cleaned_data["file"], request=request)
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for msg in msgs:
                    messages.error(request, msg)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": evidence.original_name})
            return redirect("bases:report", pk=report.pk)
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("bases:report", pk=report.pk)


@login_required
@require_POST
def remove_evidence(request, pk: int):
    evidence = get_object_or_404(ReportEvidence, pk=pk, removed_at__isnull=True)
    report = _get_report(request, evidence.report_id, "bases.edit_report")
    services.remove_report_evidence(evidence=evidence, user=request.user, request=request)
    messages.success(request, _("“%(name)s” removed from the report.") % {"name": evidence.original_name})
    return redirect("bases:report", pk=report.pk)


@login_required
def download_evidence(request, pk: int):
    evidence = get_object_or_404(ReportEvidence, pk=pk)
    report = _get_report(request, evidence.report_id)
    if not is_park_of_report(request.user, report) and not selectors.evidence_in_a_version(evidence):
        raise Http404  # readers other than the park see only the files of a submitted version
    record_event(verb="report.evidence_downloaded", actor=request.user, target=report,
                 organization=report.base.park, data={"evidence": evidence.pk}, request=request)
    return private_file_response(evidence.file, filename=evidence.original_name,
                                 content_type=CONTENT_TYPES.get(evidence.kind, "application/octet-stream"))


@login_required
@require_POST
def accept(request, pk: int):
    report = _get_report(request, pk, "bases.decide_report")
    services.accept_report(report=report, user=request.user, request=request)
    messages.success(request, _("The report is accepted; the park is told."))
    return redirect("bases:report", pk=report.pk)


@login_required
@require_POST
def return_(request, pk: int):
    report = _get_report(request, pk, "bases.decide_report")
    form = ReturnForm(request.POST)
    try:
        services.return_report(report=report, user=request.user, reason=request.POST.get("reason", ""),
                               request=request)
    except ValidationError as exc:
        add_errors(form, exc)
        return render(request, "bases/report.html", _report_context(request, report, editable=False,
                                                                     return_form=form), status=400)
    messages.success(request, _("The report is returned to the park for revision."))
    return redirect("bases:report", pk=report.pk)
