"""Public pages (no sign-in, cached) and the officer's pages for notices, objections, designation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Call
from portal.audit.services import record_event
from portal.clientip import client_ip
from portal.files import private_file_response
from portal.formerrors import add_errors
from portal.home.caching import public_cache, public_cache_version
from publicity import selectors, services
from publicity.forms import (
    CountersignForm,
    DecideForm,
    DesignateForm,
    NotAcceptForm,
    NoteForm,
    NoticeForm,
    ObjectionForm,
    OfflineCountersignForm,
    PostalObjectionForm,
    PublishForm,
    StatusForm,
    WithdrawForm,
)
from publicity.models import Countersign, Notice, Objection

RECEIPT_SESSION_KEY = "objection_receipts"


# --- public --------------------------------------------------------------------------------------

@public_cache
def notice_list(request):
    page = Paginator(selectors.public_notices(), 20).get_page(request.GET.get("page"))
    return render(request, "publicity/notice_list.html", {"page": page, "now": timezone.now()})


@public_cache
def notice_detail(request, pk: int):
    notice = get_object_or_404(selectors.public_notices(), pk=pk)
    return render(request, "publicity/notice_detail.html", {
        "notice": notice, "items": notice.items.all(), "state": services.window_state(notice),
        "time_left": services.time_left(notice),
    })


def notice_pdf(request, pk: int):
    notice = get_object_or_404(selectors.public_notices(), pk=pk)
    key = f"public:{public_cache_version()}:notice-pdf:{pk}"
    content = cache.get(key)
    if content is None:
        from publicity import documents

        content = documents.notice_pdf(notice)
        cache.set(key, content, 3600)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{pk}.pdf"'
    return response


def object_form(request, pk: int):
    """The public objection form: open inside the window only; nothing typed is lost on an error."""
    notice = get_object_or_404(selectors.public_notices(), pk=pk)
    state = services.window_state(notice)
    if state != "open":
        return render(request, "publicity/object_closed.html", {"notice": notice, "state": state},
                      status=200 if request.method == "GET" else 403)
    status = 200
    ip = client_ip(request)
    human_check = services.captcha_required(ip)
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES, notice=notice, human_check=human_check)
        if form.is_valid():
            values = {k: form.cleaned_data[k]
                      for k in ("name", "organization", "id_type", "id_number", "phone", "email", "facts")}
            try:
                services.check_rate(ip=ip, phone=values["phone"], id_number=values["id_number"])
                objection = services.submit_objection(notice=notice, item=form.cleaned_data["item"], values=values,
                                                      files=form.cleaned_data["files"], ip=ip,
                                                      human_verified=form.human_verified)
            except services.RateLimited as exc:
                form.add_error(None, services.rate_limited_message(exc))
                status = 429
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error("files" if getattr(exc, "code", "") in (
                        "bad_type", "type_mismatch", "too_large", "empty", "zip_bomb", "bad_name") else None, exc)
                status = 400
            else:
                receipts = request.session.get(RECEIPT_SESSION_KEY, [])
                request.session[RECEIPT_SESSION_KEY] = [*receipts[-9:], objection.tracking_code]
                return redirect("publicity:objection-receipt", code=objection.tracking_code)
        else:
            status = 400
    else:
        form = ObjectionForm(notice=notice, human_check=human_check)
    return render(request, "publicity/object_form.html", {
        "notice": notice, "form": form, "files_dropped": status != 200 and bool(request.FILES)}, status=status)


def _own_objection(request, code: str) -> Objection:
    """The objector's own objection: in the session that filed it, or that proved code and phone on the
    status page (which records the code in the session)."""
    if code not in request.session.get(RECEIPT_SESSION_KEY, []):
        raise Http404
    return get_object_or_404(Objection.objects.select_related("notice", "item"), tracking_code=code)


def objection_receipt(request, code: str):
    objection = _own_objection(request, code)
    return render(request, "publicity/receipt.html", {"objection": objection})


def objection_receipt_pdf(request, code: str):
    objection = _own_objection(request, code)
    response = HttpResponse(services.stored_receipt(objection=objection), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="objection-{objection.tracking_code}.pdf"'
    return response


def look_up_objection(request, form, find):
    """A status page's look-up by the objector (the bases' and the fund's): the form's tracking code and phone
    number, both matching (``find``), within the per-address limit of look-ups. (objection or None, status)."""
    if not form.is_valid():
        return None, 400
    try:
        services.check_rate_status(ip=client_ip(request))
    except services.RateLimited as exc:
        form.add_error(None, _("Too many look-ups from this network. Please try again in %(minutes)s minutes.")
                       % {"minutes": max(1, (exc.retry_after + 59) // 60)})
        return None, 429
    objection = find(tracking_code=form.cleaned_data["tracking_code"], phone=form.cleaned_data["phone"])
    if objection is None:
        form.add_error(None, _("No objection matches this tracking code and phone number."))
        return None, 404
    return objection, 200


def objection_status(request):
    objection = None
    status = 200
    form = StatusForm(request.POST or None)
    if request.method == "POST":
        objection, status = look_up_objection(request, form, services.find_objection)
        if objection is not None:
            receipts = request.session.get(RECEIPT_SESSION_KEY, [])
            request.session[RECEIPT_SESSION_KEY] = [*receipts[-9:], objection.tracking_code]
    return render(request, "publicity/status.html", {"form": form, "objection": objection}, status=status)


# --- the officer ---------------------------------------------------------------------------------

def _int(value, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _managed_call(request, pk: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser"), pk=pk)
    if not request.user.has_perm("applications.manage_call", call):
        raise Http404
    return call


def _notice_of(call: Call) -> Notice | None:
    return Notice.objects.filter(call=call).exclude(status=Notice.Status.WITHDRAWN).order_by("-pk").first()


def _notice_page(request, call: Call, notice: Notice | None, *, status: int = 200, **forms):
    from portal.lists import filtered_page
    from publicity.filters import ObjectionFilter
    from review.todo import organiser_warnings

    listing = filtered_page(request, ObjectionFilter, selectors.objections_of(notice) if notice
                            else Objection.objects.none(), per_page=50, notice=notice)
    context = {
        "call": call, "notice": notice,
        "form": NoticeForm(instance=notice) if notice else None,
        "publish_form": PublishForm(initial={"publication_date": timezone.localdate()}),
        "withdraw_form": WithdrawForm(),
        **listing, "objections": listing["page"].object_list,
        **_designation_context(call, offline_form=forms.pop("offline_form", None)),
        "not_accept_form": NotAcceptForm(notice=notice) if notice else None,
        "warnings": organiser_warnings(call),
    }
    context.update(forms)
    return render(request, "publicity/manage_notice.html", context, status=max(status, listing["filter_status"]))


@login_required
def manage_notice(request, call_pk: int):
    """The notice in one form (text, where objections go, publication date: save or publish), its
    withdrawal, the objections and the designation."""
    call = _managed_call(request, call_pk)
    notice = _notice_of(call)
    if request.method == "POST" and request.POST.get("_action") == "draft":
        try:
            services.draft_notice(call=call, user=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("publicity:manage-notice", call_pk=call.pk)
    if request.method != "POST" or notice is None:
        return _notice_page(request, call, notice)
    action = request.POST.get("_action")
    if action == "withdraw":
        withdraw_form = WithdrawForm(request.POST)
        if withdraw_form.is_valid():
            try:
                services.withdraw_notice(notice=notice, user=request.user, request=request,
                                         reason=withdraw_form.cleaned_data["reason"])
            except ValidationError as exc:
                add_errors(withdraw_form, exc)
            else:
                messages.success(request, _("The notice is withdrawn."))
                return redirect("publicity:manage-notice", call_pk=call.pk)
        return _notice_page(request, call, notice, status=400, withdraw_form=withdraw_form)
    form = NoticeForm(request.POST, instance=Notice.objects.get(pk=notice.pk))
    publishing = action == "publish"
    publish_form = PublishForm(request.POST) if publishing else PublishForm(
        initial={"publication_date": request.POST.get("publication_date") or timezone.localdate()})
    status = 400
    if form.is_valid() and (not publishing or publish_form.is_valid()):
        fields = {f: form.cleaned_data[f] for f in form.fields}
        revision = _int(request.POST.get("_revision"))
        try:
            if publishing:
                services.publish_notice(notice=notice, user=request.user, request=request, fields=fields,
                                        base_revision=revision,
                                        publication_date=publish_form.cleaned_data["publication_date"])
            else:
                services.update_notice(notice=notice, user=request.user, request=request, fields=fields,
                                       base_revision=revision)
        except services.EditConflict:
            form.add_error(None, _("Someone else saved this notice after you opened it. Your text is "
                                   "kept below; reload to see theirs before saving again."))
            status = 409
        except ValidationError as exc:
            target = publish_form if publishing and getattr(exc, "code", None) != "published" else form
            if hasattr(exc, "error_dict") and any(f in form.fields for f in exc.error_dict):
                target = form
            add_errors(target, exc)
        else:
            messages.success(request, _("The notice is published.") if publishing else _("The draft notice is saved."))
            return redirect("publicity:manage-notice", call_pk=call.pk)
    return _notice_page(request, call, notice, status=status, form=form, publish_form=publish_form)


def _designation_context(call, offline_form=None) -> dict:
    designation = selectors.designation_of(call)
    context = {"designation": designation, "co_issuers": list(call.co_issuers.order_by("name")),
               "designate_form": DesignateForm(initial={"document_date": timezone.localdate()})}
    if designation is not None and not designation.is_published:
        awaited = services.awaited_countersigns(designation)
        context.update(countersign_rows=selectors.countersign_rows(designation), awaited=awaited,
                       offline_form=offline_form or OfflineCountersignForm(
                           organizations=awaited, initial={"signed_on": timezone.localdate()}))
    return context


@login_required
def manage_objection(request, pk: int):
    objection = get_object_or_404(Objection.objects.select_related("notice__call", "item"), pk=pk)
    if not request.user.has_perm("applications.manage_call", objection.notice.call):
        raise Http404
    note_form, decide_form, not_accept_form = NoteForm(), DecideForm(), NotAcceptForm()
    status = 200
    revealed = None
    if request.method == "POST":
        action = request.POST.get("_action")
        try:
            if action == "reveal":
                revealed = services.reveal_personal_data(objection=objection, user=request.user, request=request)
                return render(request, "publicity/manage_objection.html", {
                    "objection": objection, "notes": objection.notes.select_related("author"),
                    "files": objection.files.all(), "note_form": note_form, "decide_form": decide_form,
                    "not_accept_form": not_accept_form, "revealed": revealed})
            if action == "register":
                services.register_objection(objection=objection, user=request.user, request=request)
                return redirect("publicity:objection-manage", pk=pk)
            if action == "note":
                note_form = NoteForm(request.POST)
                if note_form.is_valid():
                    services.add_note(objection=objection, user=request.user, text=note_form.cleaned_data["text"],
                                      request=request)
                    return redirect("publicity:objection-manage", pk=pk)
            elif action == "not_accept":
                not_accept_form = NotAcceptForm(request.POST)
                if not_accept_form.is_valid():
                    services.not_accept_objections(notice=objection.notice, objection_ids=[objection.pk],
                                                   user=request.user, request=request,
                                                   reason=not_accept_form.cleaned_data["reason"],
                                                   explanation=not_accept_form.cleaned_data["explanation"])
                    messages.success(request, _("The objection is not accepted; the objector is notified."))
                    return redirect("publicity:objection-manage", pk=pk)
            elif action == "decide":
                decide_form = DecideForm(request.POST)
                if decide_form.is_valid():
                    services.decide_objection(objection=objection, user=request.user, request=request,
                                              outcome=decide_form.cleaned_data["outcome"],
                                              reply=decide_form.cleaned_data["reply"])
                    messages.success(request, _("The objection is decided; the objector is notified by email."))
                    return redirect("publicity:objection-manage", pk=pk)
            status = 400
        except ValidationError as exc:
            # Next to the field, in the form that keeps what was typed.
            add_errors(decide_form if action == "decide" else note_form, exc)
            status = 400
    record_event(verb="objection.viewed", actor=request.user, target=objection, request=request)
    return render(request, "publicity/manage_objection.html", {
        "objection": objection, "notes": objection.notes.select_related("author"), "files": objection.files.all(),
        "note_form": note_form, "decide_form": decide_form, "not_accept_form": not_accept_form,
    }, status=status)


@login_required
def objection_file(request, pk: int, file_pk: int):
    objection = get_object_or_404(Objection.objects.select_related("notice__call"), pk=pk)
    if not request.user.has_perm("applications.manage_call", objection.notice.call):
        raise Http404
    item = get_object_or_404(objection.files, pk=file_pk)
    from applications.views import CONTENT_TYPES

    record_event(verb="objection.file_downloaded", actor=request.user, target=objection, data={"file": item.pk},
                 request=request)
    return private_file_response(item.file, filename=item.original_name,
                                 content_type=CONTENT_TYPES.get(item.kind, "application/octet-stream"))


def _current_notice(call: Call) -> Notice:
    notice = _notice_of(call)
    if notice is None:
        raise Http404
    return notice


@login_required
@require_POST
def not_accept_objections(request, call_pk: int):
    """不予受理 for the objections ticked in the list of the notice."""
    call = _managed_call(request, call_pk)
    notice = _current_notice(call)
    form = NotAcceptForm(request.POST, notice=notice)
    if form.is_valid() and form.cleaned_data["objections"]:
        try:
            done = services.not_accept_objections(
                notice=notice, objection_ids=[o.pk for o in form.cleaned_data["objections"]], user=request.user,
                reason=form.cleaned_data["reason"], explanation=form.cleaned_data["explanation"], request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("publicity:manage-notice", call_pk=call.pk)
        messages.success(request, _("%(n)s objection(s) not accepted; the objectors are notified.") % {"n": len(done)})
        return redirect("publicity:manage-notice", call_pk=call.pk)
    if form.is_valid():
        form.add_error("objections", _("Choose the objections."))
    return _notice_page(request, call, notice, status=400, not_accept_form=form)


@login_required
def postal_objection(request, call_pk: int):
    """书面来函: the officer registers an objection received by post, with the scan of the letter."""
    call = _managed_call(request, call_pk)
    notice = _current_notice(call)
    status = 200
    if request.method == "POST":
        form = PostalObjectionForm(request.POST, request.FILES, notice=notice)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = services.register_postal_objection(
                    notice=notice, item=data["item"], postmarked_on=data["postmarked_on"], scans=data["scans"],
                    user=request.user, request=request,
                    values={k: data[k] for k in ("name", "organization", "id_type", "id_number", "phone", "email",
                                                 "postal_address", "facts")})
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The letter is registered as objection %(code)s.")
                                 % {"code": objection.tracking_code})
                return redirect("publicity:objection-manage", pk=objection.pk)
        else:
            status = 400
    else:
        form = PostalObjectionForm(notice=notice)
    return render(request, "publicity/postal_objection.html", {
        "call": call, "notice": notice, "form": form, "files_dropped": status != 200 and bool(request.FILES)},
        status=status)


@login_required
@require_POST
def designate(request, call_pk: int):
    call = _managed_call(request, call_pk)
    form = DesignateForm(request.POST)
    if form.is_valid():
        try:
            services.designate(call=call, user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if selectors.designation_of(call).is_published:
                messages.success(request, _("The bases are designated and listed in the public directory."))
            else:
                messages.success(request, _("The designation document is drafted and sent to the co-issuing "
                                            "departments for countersignature (会签)."))
            return redirect("publicity:manage-notice", call_pk=call.pk)
    return _notice_page(request, call, _notice_of(call), status=400, designate_form=form)


@login_required
@require_POST
def designation_offline(request, call_pk: int):
    """线下会签: the organiser records a department's signature on paper with the scanned document."""
    call = _managed_call(request, call_pk)
    designation = selectors.designation_of(call)
    if designation is None or designation.is_published:
        messages.error(request, _("No designation document is awaiting countersignature."))
        return redirect("publicity:manage-notice", call_pk=call.pk)
    awaited = services.awaited_countersigns(designation)
    form = OfflineCountersignForm(request.POST, request.FILES, organizations=awaited)
    if form.is_valid():
        try:
            services.record_offline_countersign(designation=designation, user=request.user, request=request,
                                                **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The paper countersignature is recorded with its scan."))
            return redirect("publicity:manage-notice", call_pk=call.pk)
    return _notice_page(request, call, _notice_of(call), status=400, offline_form=form)


@login_required
@require_POST
def designation_publish(request, call_pk: int):
    call = _managed_call(request, call_pk)
    designation = selectors.designation_of(call)
    if designation is None:
        messages.error(request, _("Draft the designation document first."))
        return redirect("publicity:manage-notice", call_pk=call.pk)
    try:
        services.publish_designation(designation=designation, user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The bases are designated and listed in the public directory."))
    return redirect("publicity:manage-notice", call_pk=call.pk)


@login_required
def countersign(request, call_pk: int):
    """The co-issuing department's page: the draft designation document and its 会签."""
    call = get_object_or_404(Call.objects.select_related("organiser"), pk=call_pk)
    orgs = services.countersigning_organizations(request.user, call)
    if not orgs and not request.user.has_perm("applications.manage_call", call):
        raise Http404
    designation = selectors.designation_of(call)
    awaiting = designation is not None and not designation.is_published
    form, status = CountersignForm(), 200
    if request.method == "POST":
        if not orgs:
            raise PermissionDenied
        form = CountersignForm(request.POST)
        status = 400
        if not awaiting:
            messages.error(request, _("No designation document is awaiting countersignature."))
        elif form.is_valid():
            try:
                services.countersign_designation(designation=designation, user=request.user, request=request,
                                                 opinion=form.cleaned_data["opinion"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your department's countersignature is recorded."))
                return redirect("publicity:countersign", call_pk=call.pk)
    signed = {c.organization_id for c in designation.countersigns.all()} if designation else set()
    notice = designation.notice if designation else None
    return render(request, "publicity/countersign.html", {
        "call": call, "designation": designation, "awaiting": awaiting, "form": form,
        "rows": selectors.countersign_rows(designation) if designation else [],
        "bases": notice.items.filter(removed=False) if notice else [],
        "can_sign": awaiting and any(o.pk not in signed for o in orgs),
    }, status=status)


@login_required
def countersign_scan(request, call_pk: int, pk: int):
    call = get_object_or_404(Call, pk=call_pk)
    if not (request.user.has_perm("applications.manage_call", call)
            or services.countersigning_organizations(request.user, call)):
        raise Http404
    item = get_object_or_404(Countersign.objects.exclude(scan=""), pk=pk, designation__call=call)
    from django.http import FileResponse

    from applications.views import CONTENT_TYPES

    record_event(verb="designation.scan_downloaded", actor=request.user, target=call,
                 data={"countersign": item.pk}, request=request)
    return FileResponse(item.scan.open("rb"), as_attachment=True, filename=item.scan_name,
                        content_type=CONTENT_TYPES.get(item.scan_kind, "application/octet-stream"))


def designation_document(request, call_pk: int, fmt: str):
    """The designation document is public once issued (never while it awaits countersignature)."""
    designation = selectors.designation_of(get_object_or_404(Call, pk=call_pk))
    if designation is None or not designation.is_published:
        raise Http404
    file = {"pdf": designation.document_pdf, "docx": designation.document_docx}.get(fmt)
    if not file:
        raise Http404
    return private_file_response(file, as_attachment=fmt == "docx", filename=f"{designation.document_number}.{fmt}")
