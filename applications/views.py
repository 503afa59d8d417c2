import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import eligibility, services
from applications.dossier import CONDITIONS_KEY, EVIDENCE_KEY, SECTIONS, SECTIONS_BY_KEY
from applications.forms import (
    PROVINCIAL_DEFAULT_THRESHOLDS,
    AttachmentForm,
    CallForm,
    RegionClassFormSet,
    StartApplicationForm,
    SubmitForm,
    ThresholdFormSet,
)
from applications.models import Application, ApplicationVersion, Attachment, Call, DossierExport
from applications.sections import SectionEditor
from applications.selectors import (
    active_attachments,
    application_for_view,
    application_history,
    attachment_in_a_version,
    calls_managed_by,
    history_audience,
    merged_data,
    parks_of,
    sections_of,
    versions_of,
)
from applications.versions import compare_versions
from portal.accounts.models import Organization, Region
from portal.accounts.selectors import organizations_for_role
from portal.audit.selectors import ORGANISER, Audience, history_visible_to
from portal.audit.services import record_event
from portal.files import private_file_response
from portal.home.workspaces import render_panels


def _get_application(request, pk: int, perm: str = "applications.view_application") -> Application:
    try:
        application = application_for_view(pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm(perm, application):
        # Another organisation's application does not exist, as far as this user can tell.
        if not request.user.has_perm("applications.view_application", application):
            raise Http404
        raise PermissionDenied
    return application


def _error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# --- calls ---------------------------------------------------------------------------------------

def _class_choices(call) -> list[tuple[str, str]] | None:
    """The threshold rows' choices: the call's own region classes once it has them."""
    if call is None:
        return None
    return list(call.region_classes.values_list("key", "name")) or None


def _call_context(form, formset, call=None):
    return {"form": form, "formset": formset, "call": call}


@login_required
def call_list(request):
    if not request.user.has_perm("applications.add_call"):
        raise PermissionDenied
    return render(request, "applications/call_list.html", {"calls": calls_managed_by(request.user)})


@login_required
def call_edit(request, pk: int | None = None):
    call = get_object_or_404(Call, pk=pk) if pk else None
    if call is None and not request.user.has_perm("applications.add_call"):
        raise PermissionDenied
    if call is not None and not request.user.has_perm("applications.manage_call", call):
        raise Http404
    organisers = organizations_for_role(request.user, "provincial_officer")
    if request.method == "POST":
        form = CallForm(request.POST, instance=call or Call(organiser=organisers[0]))
        formset = ThresholdFormSet(request.POST, prefix="thresholds",
                                   form_kwargs={"region_classes": _class_choices(call)})
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.save_call(user=request.user, call=form.instance,
                                           thresholds=formset.rows(), request=request,
                                           co_issuers=form.cleaned_data.get("co_issuers"))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("The call has been saved."))
                return redirect("applications:call-detail", pk=saved.pk)
        return render(request, "applications/call_form.html", _call_context(form, formset, call),
                      status=400)
    if call:
        form = CallForm(instance=call)
        initial = [{"region_class": t.region_class, "total_output": t.total_output,
                    "ict_output": t.ict_output, "ict_exports": t.ict_exports,
                    "digital_enterprises": t.digital_enterprises} for t in call.thresholds.all()]
    else:
        org = organisers[0]
        form = CallForm(initial={
            "level": Call.Level.PROVINCIAL if org.region_id else Call.Level.NATIONAL,
            "region": org.region_id,
            "quota_per_unit": 5, "issuers": org.name,
            # 会同: a provincial organiser acts with its province's 网信 and 工信 departments (seed 000).
            "co_issuers": list(Organization.objects.filter(
                kind__in=[Organization.Kind.PROVINCE_CAC, Organization.Kind.PROVINCE_MIIT], region=org.region))
            if org.region_id else [],
        })
        initial = PROVINCIAL_DEFAULT_THRESHOLDS
    formset = ThresholdFormSet(initial=initial, prefix="thresholds",
                               form_kwargs={"region_classes": _class_choices(call)})
    return render(request, "applications/call_form.html", _call_context(form, formset, call))


@login_required
def call_detail(request, pk: int):
    call = get_object_or_404(Call.objects.select_related("organiser", "region"), pk=pk)
    manages = request.user.has_perm("applications.manage_call", call)
    if call.status == Call.Status.DRAFT and not manages:
        raise Http404
    parks = parks_of(request.user)
    mine = {a.park_id: a for a in Application.objects.filter(call=call, park__in=parks)}
    thresholds = list(call.thresholds.all())
    for threshold in thresholds:
        threshold.call = call  # the call's class names are read once
    return render(request, "applications/call_detail.html", {
        "call": call, "manages": manages, "thresholds": thresholds,
        "region_classes": call.region_classes.prefetch_related("regions"),
        "parks": parks, "my_applications": mine,
        "start_form": StartApplicationForm(parks=parks) if parks else None,
        "history": history_visible_to(call, Audience(ORGANISER), limit=50) if manages else None,
        "history_shows_ip": True,
    })


@login_required
def call_region_classes(request, pk: int):
    """The call's region classes (区域类别), which select each park's threshold row."""
    call = get_object_or_404(Call.objects.select_related("region"), pk=pk)
    if not request.user.has_perm("applications.manage_call", call):
        raise Http404
    if call.level == Call.Level.NATIONAL:
        scope = Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY])
    elif call.region_id:  # the province's cities and districts
        scope = Region.objects.filter(Q(parent=call.region) | Q(parent__parent=call.region))
    else:
        scope = Region.objects.none()
    status = 200
    if request.method == "POST":
        formset = RegionClassFormSet(request.POST, prefix="classes", form_kwargs={"scope": scope})
        if formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                services.save_region_classes(call=call, user=request.user, request=request, classes=rows)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, _("The region classes are saved."))
                return redirect("applications:call-detail", pk=call.pk)
        status = 400
    else:
        formset = RegionClassFormSet(prefix="classes", form_kwargs={"scope": scope}, initial=[
            {"key": rc.key, "name": rc.name, "regions": "、".join(r.name for r in rc.regions.all())}
            for rc in call.region_classes.prefetch_related("regions")])
    return render(request, "applications/region_classes.html", {"call": call, "formset": formset}, status=status)


@login_required
@require_POST
def call_transition(request, pk: int, action: str):
    call = get_object_or_404(Call, pk=pk)
    if not request.user.has_perm("applications.manage_call", call):
        raise Http404
    try:
        {"open": services.open_call, "close": services.close_call}[action](
            user=request.user, call=call, request=request)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    except Exception as exc:  # noqa: BLE001 - django-fsm refuses a transition from this state
        from django_fsm import TransitionNotAllowed

        if not isinstance(exc, TransitionNotAllowed):
            raise
        messages.error(request, _("This change is not possible in the call's current status."))
    else:
        messages.success(request, _("The call is now: %(status)s.")
                         % {"status": Call.objects.get(pk=pk).get_status_display()})
    return redirect("applications:call-detail", pk=pk)


# --- starting and overview -----------------------------------------------------------------------

@login_required
@require_POST
def start(request, call_pk: int):
    call = get_object_or_404(Call, pk=call_pk)
    parks = parks_of(request.user)
    if not parks:
        raise PermissionDenied
    form = StartApplicationForm(request.POST, parks=parks)
    if not form.is_valid():
        messages.error(request, _("Choose the park that applies."))
        return redirect("applications:call-detail", pk=call.pk)
    try:
        application = services.start_application(call=call, park=form.cleaned_data["park"],
                                                 user=request.user, request=request)
    except services.ApplicationExists as exc:
        return render(request, "applications/already_exists.html",
                      {"existing": exc.application}, status=409)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("applications:call-detail", pk=call.pk)
    messages.success(request, _("Your application has been started. Fill in the sections in any order."))
    return redirect("applications:section", pk=application.pk, key=SECTIONS[0].key)


def _progress(application, sections):
    return [{"section": s, "complete": sections[s.key].complete} for s in SECTIONS]


@login_required
def detail(request, pk: int):
    application = _get_application(request, pk, "applications.view_application_all_versions")
    is_park = request.user.has_perm("applications.view_draft", application)
    sections = sections_of(application)
    criteria = eligibility.evaluate(call=application.call, region=application.park.region,
                                    data=merged_data(sections))
    return render(request, "applications/detail.html", {
        "application": application,
        "is_park": is_park,
        "can_edit": request.user.has_perm("applications.edit_application", application),
        "progress": _progress(application, sections) if is_park else None,
        "criteria": criteria if is_park else None,
        "versions": versions_of(application),
        "history": application_history(request.user, application),
        "history_shows_ip": history_audience(request.user, application).kind == ORGANISER,
        "panels": render_panels("application", request, application=application),
    })


# --- sections ------------------------------------------------------------------------------------

def _raw_from_post(post: QueryDict) -> dict:
    """What was typed, kept as a draft (NUL characters dropped: the database cannot store them)."""
    return {k: [v.replace("\x00", "") for v in post.getlist(k)] for k in post
            if k not in {"csrfmiddlewaretoken", "_revision", "_action"}}


def _posted_revision(post: QueryDict) -> int | None:
    try:
        return int(post.get("_revision", ""))
    except ValueError:
        return None


def _keep_draft(request, application, key: str) -> None:
    services.autosave_section(application=application, key=key, user=request.user,
                              raw=_raw_from_post(request.POST),
                              base_revision=_posted_revision(request.POST))


def _querydict(raw: dict) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, values in raw.items():
        qd.setlist(key, values)
    return qd


def _section_page(request, application, editor: SectionEditor, *, status=200, conflict=None,
                  restored_at=None, attachment_form=None):
    sections = sections_of(application)
    live = merged_data(sections)
    live.update(editor.live_values())
    return render(request, "applications/section.html", {
        "application": application, "editor": editor, "section": editor.section,
        "progress": _progress(application, sections),
        "criteria": eligibility.evaluate(call=application.call, region=application.park.region,
                                         data=live),
        "conflict": conflict, "restored_at": restored_at,
        "next_section": editor.next_section(),
        "attachment_form": attachment_form or (
            AttachmentForm(categories=application.call.evidence_categories)
            if editor.section.key == EVIDENCE_KEY else None),
        "attachments": active_attachments(application) if editor.section.key == EVIDENCE_KEY else None,
        "max_file_mb": settings.DOSSIER_MAX_FILE_MB, "max_total_mb": settings.DOSSIER_MAX_TOTAL_MB,
    }, status=status)


@login_required
def section(request, pk: int, key: str):
    if key not in SECTIONS_BY_KEY:
        raise Http404
    application = _get_application(request, pk, "applications.view_draft")
    if not application.is_editable:
        messages.info(request, _("The application has been submitted and cannot be edited now."))
        return redirect("applications:detail", pk=pk)
    if not request.user.has_perm("applications.edit_application", application):
        raise PermissionDenied
    stored = sections_of(application)[key]
    if request.method == "POST":
        editor = SectionEditor(application, stored, data=request.POST, files=request.FILES)
        if request.POST.get("_action") == "draft" or key == EVIDENCE_KEY:
            if key != EVIDENCE_KEY:
                _keep_draft(request, application, key)
                messages.success(request, _("Draft kept. It is not complete until you save it."))
            return redirect("applications:section", pk=pk, key=key)
        base_revision = _posted_revision(request.POST)
        base_revision = -1 if base_revision is None else base_revision
        if editor.is_valid():
            try:
                services.save_section(application=application, key=key, user=request.user,
                                      data=editor.cleaned_data(), complete=True,
                                      base_revision=base_revision, request=request)
            except services.EditConflict as exc:
                return _section_page(request, application, editor, status=409, conflict=exc.section)
            messages.success(request, _("“%(section)s” saved.") % {"section": editor.section.title})
            following = editor.next_section()
            if following:
                return redirect("applications:section", pk=pk, key=following.key)
            return redirect("applications:submit", pk=pk)
        # Keep what was typed: it stays as this user's draft while the errors are shown.
        _keep_draft(request, application, key)
        return _section_page(request, application, editor, status=400)
    draft = (stored.draft or {}).get(str(request.user.pk))
    if draft:
        editor = SectionEditor(application, stored, data=_querydict(draft["raw"]),
                               revision=draft.get("base_revision"))
        return _section_page(request, application, editor, restored_at=draft["saved_at"])
    return _section_page(request, application, SectionEditor(application, stored))


@login_required
@require_POST
def autosave(request, pk: int, key: str):
    """htmx: keep what is being typed and return the save state and the live eligibility table."""
    if key not in SECTIONS_BY_KEY or key == EVIDENCE_KEY:
        raise Http404
    application = _get_application(request, pk, "applications.edit_application")
    _keep_draft(request, application, key)
    stored = sections_of(application)
    editor = SectionEditor(application, stored[key], data=request.POST)
    live = merged_data(stored)
    live.update(editor.live_values())
    criteria = eligibility.evaluate(call=application.call, region=application.park.region, data=live)
    return HttpResponse(render_to_string("applications/_autosave.html", {
        "saved_at": timezone.localtime(), "criteria": criteria, "oob": True,
    }, request=request))


# --- attachments ---------------------------------------------------------------------------------

@login_required
@require_POST
def upload(request, pk: int):
    application = _get_application(request, pk, "applications.edit_application")
    form = AttachmentForm(request.POST, request.FILES, categories=application.call.evidence_categories)
    stored = sections_of(application)[EVIDENCE_KEY]
    editor = SectionEditor(application, stored)
    if form.is_valid():
        try:
            attachment = services.add_attachment(
                application=application, user=request.user, uploaded_file=form.cleaned_data["file"],
                category=form.cleaned_data["category"], request=request)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("file", exc)
        else:
            messages.success(request, _("“%(name)s” uploaded.") % {"name": attachment.original_name})
            return redirect("applications:section", pk=pk, key=EVIDENCE_KEY)
    # The bound form shows the message next to the field; files already uploaded stay listed.
    return _section_page(request, application, editor, status=400, attachment_form=form)


@login_required
@require_POST
def remove_upload(request, pk: int, attachment_pk: int):
    application = _get_application(request, pk, "applications.edit_application")
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application,
                                   removed_at__isnull=True)
    services.remove_attachment(attachment=attachment, user=request.user, request=request)
    messages.success(request, _("“%(name)s” removed from the dossier.") % {"name": attachment.original_name})
    return redirect("applications:section", pk=pk, key=EVIDENCE_KEY)


CONTENT_TYPES = {
    "pdf": "application/pdf", "ofd": "application/ofd", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg", "png": "image/png",
}


@login_required
def download_attachment(request, pk: int, attachment_pk: int):
    application = _get_application(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    is_park = request.user.has_perm("applications.view_draft", application)
    if not is_park and not attachment_in_a_version(attachment):
        raise Http404
    if not request.user.has_perm("applications.view_application_all_versions", application):
        # An assigned expert: only the files of the version forwarded for review.
        assigned = [a.version.attachments for a in application.assignments.filter(
            expert__user=request.user).select_related("version")]
        if not any(item.get("id") == attachment.pk for files in assigned for item in files):
            raise Http404
    record_event(verb="application.attachment_downloaded", actor=request.user, target=application,
                 organization=application.park, data={"attachment": attachment.pk}, request=request)
    return private_file_response(attachment.file, filename=attachment.original_name,
                                 content_type=CONTENT_TYPES.get(attachment.kind, "application/octet-stream"))


# --- submission and versions ---------------------------------------------------------------------

@login_required
def submit(request, pk: int):
    application = _get_application(request, pk, "applications.view_draft")
    sections = sections_of(application)
    criteria = eligibility.evaluate(call=application.call, region=application.park.region,
                                    data=merged_data(sections))
    missed = eligibility.misses(criteria)
    can_submit = request.user.has_perm("applications.submit_application", application)
    status = 200
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                version = services.submit_application(
                    application=application, user=request.user,
                    justification=form.cleaned_data["justification"], request=request)
            except ValidationError as exc:
                field = "justification" if getattr(exc, "code", "") == "justification" else None
                form.add_error(field, exc)
            else:
                messages.success(request, _("Submitted as version %(n)s.") % {"n": version.number})
                return redirect("applications:version", pk=pk, number=version.number)
        status = 400
    else:
        form = SubmitForm(initial={"justification": application.justification})
    deadline_passed = timezone.now() > application.submission_deadline
    return render(request, "applications/submit.html", {
        "application": application, "form": form, "criteria": criteria, "missed": missed,
        "requirement_refusal": eligibility.operating_years_message(call=application.call,
                                                                   data=merged_data(sections)),
        "progress": _progress(application, sections), "can_submit": can_submit,
        "deadline_passed": deadline_passed,
        "incomplete": [p for p in _progress(application, sections) if not p["complete"]],
    }, status=status)


def _get_version(request, pk: int, number: int) -> ApplicationVersion:
    application = _get_application(request, pk, "applications.view_versions")
    if not request.user.has_perm("applications.view_application_all_versions", application):
        # An assigned expert reads exactly the version forwarded for review, nothing else.
        if not application.assignments.filter(expert__user=request.user, version__number=number).exists():
            raise Http404
    return get_object_or_404(ApplicationVersion.objects.select_related(
        "application__call", "application__park__region", "submitted_by"),
        application=application, number=number)


@login_required
def version(request, pk: int, number: int):
    from applications.exports import dossier_outline

    v = _get_version(request, pk, number)
    exports = {e.format: e for e in v.exports.all()}
    return render(request, "applications/version.html", {
        "application": v.application, "version": v, "outline": dossier_outline(v),
        "exports": [(fmt, label, exports.get(fmt)) for fmt, label in DossierExport.Format.choices],
        "other_versions": versions_of(v.application).exclude(pk=v.pk),
    })


@login_required
def compare(request, pk: int):
    application = _get_application(request, pk, "applications.view_application_all_versions")
    versions = list(versions_of(application))
    by_number = {v.number: v for v in versions}
    try:
        old = by_number[int(request.GET.get("from", 0))]
        new = by_number[int(request.GET.get("to", 0))]
    except (KeyError, ValueError) as exc:
        if len(versions) < 2:
            raise Http404 from exc
        old, new = versions[1], versions[0]
    return render(request, "applications/compare.html", {
        "application": application, "old": old, "new": new, "versions": versions,
        "changes": compare_versions(old, new),
    })


@login_required
def export(request, pk: int, number: int, fmt: str):
    """POST: queue the rendering. GET: the status panel (htmx polls it until ready)."""
    if fmt not in DossierExport.Format.values:
        raise Http404
    v = _get_version(request, pk, number)
    if request.method == "POST":
        item = services.request_export(version=v, fmt=fmt, user=request.user, request=request)
    else:
        item = DossierExport.objects.filter(version=v, format=fmt).first()
    context = {"application": v.application, "version": v, "fmt": fmt,
               "label": DossierExport.Format(fmt).label, "export": item}
    if request.headers.get("HX-Request"):
        return render(request, "applications/_export_status.html", context)
    return redirect("applications:version", pk=pk, number=number)


@login_required
def export_download(request, pk: int, number: int, fmt: str):
    v = _get_version(request, pk, number)
    item = get_object_or_404(DossierExport, version=v, format=fmt, status=DossierExport.Status.READY)
    record_event(verb="application.dossier_downloaded", actor=request.user, target=v.application,
                 organization=v.application.park, data={"version": v.number, "format": fmt},
                 request=request)
    from applications.exports import export_filename

    filename = export_filename(v, fmt)
    return private_file_response(item.file, filename=filename,
                                 content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream")


def reverse_section(application, key):
    return reverse("applications:section", args=[application.pk, key])


__all__ = ["CONDITIONS_KEY"]
