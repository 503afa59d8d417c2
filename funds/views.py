"""Thin views of the fund programme: each reads through a selector, changes through a service, and shows the
buttons the programme's definition allows (``portal.workflow.actions_for``)."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application, Call
from applications.services import ApplicationExists
from funds import documents, forms, selectors, services
from funds.models import FundPlan, PlanObjection
from funds.spec import FUND
from portal.audit.services import record_event
from portal.files import private_file_response
from portal.formerrors import add_errors
from portal.workflow import in_group


def _fund_call(pk: int) -> Call:
    return get_object_or_404(Call.objects.select_related("organiser", "region"), pk=pk, programme=FUND)


def _fund_application(pk: int) -> Application:
    return get_object_or_404(Application.objects.select_related("call__organiser", "park__region"), pk=pk,
                             call__programme=FUND)


def _managed_call(request, pk: int) -> Call:
    call = _fund_call(pk)
    if not request.user.has_perm("funds.manage_plan", call):
        raise Http404
    return call


def _plan(call: Call) -> FundPlan:
    plan = selectors.plan_of(call)
    if plan is None:
        raise Http404
    return plan


# --- enterprise ----------------------------------------------------------------------------------

@login_required
def call_detail(request, pk: int):
    """The call's supported items with their standards and materials; an enterprise starts here."""
    call = _fund_call(pk)
    if call.status == Call.Status.DRAFT:
        raise Http404
    enterprises = selectors.enterprises_of(request.user)
    items = list(selectors.items_of(call))
    mine = list(Application.objects.filter(call=call, park__in=enterprises))
    form = None
    if enterprises and request.user.has_perm("funds.apply"):
        from portal.accounts.models import Organization

        form = forms.StartForm(enterprises=Organization.objects.filter(pk__in=[e.pk for e in enterprises]),
                               items=items)
    return render(request, "funds/call_detail.html", {"call": call, "items": items, "form": form, "mine": mine,
                                                      "manages": request.user.has_perm("funds.manage_plan", call)})


@login_required
@require_POST
def start(request, pk: int):
    call = _fund_call(pk)
    enterprises = selectors.enterprises_of(request.user)
    if not enterprises:
        raise PermissionDenied
    from portal.accounts.models import Organization

    items = list(selectors.items_of(call))
    form = forms.StartForm(request.POST, enterprises=Organization.objects.filter(pk__in=[e.pk for e in enterprises]),
                           items=items)
    if form.is_valid():
        try:
            application = services.start_application(call=call, enterprise=form.cleaned_data["enterprise"],
                                                     user=request.user, item_codes=form.cleaned_data["items"],
                                                     request=request)
        except ApplicationExists as exc:
            return redirect("applications:detail", pk=exc.application.pk)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your application has been started. Fill in the sections in any order."))
            return redirect("applications:section", pk=application.pk, key="cover")
    return render(request, "funds/call_detail.html", {"call": call, "items": items, "form": form, "mine": [],
                                                      "manages": False}, status=400)


# --- district ------------------------------------------------------------------------------------

@login_required
def district_inbox(request):
    if not request.user.has_perm("funds.view_district_inbox"):
        raise PermissionDenied
    return render(request, "funds/district_inbox.html", {"applications": selectors.district_inbox(request.user)})


def _review_page(request, application, form, template, status=200, **extra):
    from applications.selectors import latest_version

    return render(request, template, {
        "application": application, "form": form, "version": latest_version(application),
        "item_requests": application.item_requests.select_related("item").order_by("item__order"),
        "reviews": selectors.reviews_of(application), **extra}, status=status)


@login_required
def district_review(request, pk: int):
    application = _fund_application(pk)
    # a draft never submitted has no version for the district to read
    if not request.user.has_perm("funds.district_review", application) or not application.latest_version_number:
        raise Http404
    if request.method == "POST":
        form = forms.DistrictReviewForm(request.POST)
        if form.is_valid():
            try:
                services.district_review(application=application, user=request.user, request=request,
                                         decision=form.cleaned_data["decision"], opinion=form.cleaned_data["opinion"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The preliminary review is recorded."))
                return redirect("funds:district-inbox")
        return _review_page(request, application, form, "funds/district_review.html", status=400)
    form = forms.DistrictReviewForm() if in_group(application, "awaiting_review") else None
    return _review_page(request, application, form, "funds/district_review.html")


# --- city ----------------------------------------------------------------------------------------

@login_required
def city_calls(request):
    if not request.user.has_perm("funds.view_fund_calls"):
        raise PermissionDenied
    return render(request, "funds/city_calls.html", {"calls": selectors.calls_run_by(request.user)})


def _manage_page(request, call: Call, *, status: int = 200):
    return render(request, "funds/call_manage.html", {
        "call": call, "applications": selectors.city_applications(call), "plan": selectors.plan_of(call),
        "items": selectors.items_of(call)}, status=status)


@login_required
def call_manage(request, pk: int):
    return _manage_page(request, _managed_call(request, pk))


def _call_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("year", "title", "document_number", "park_deadline",
                                                       "recommend_deadline", "publicity_days")}


@login_required
def call_new(request):
    """市商务局 drafts a fund call: its settings and the guide's supported items."""
    if not request.user.has_perm("funds.add_call"):
        raise PermissionDenied
    form = forms.CallForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                call = services.save_fund_call(user=request.user, values=_call_values(form),
                                               item_codes=form.cleaned_data["items"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The call is drafted. Check its items, then open it."))
                return redirect("funds:call-manage", pk=call.pk)
        return render(request, "funds/call_form.html", {"form": form, "call": None}, status=400)
    return render(request, "funds/call_form.html", {"form": form, "call": None})


@login_required
def call_edit(request, pk: int):
    call = _managed_call(request, pk)
    if not in_group(call, "configurable"):
        messages.error(request, _("The call is open: its settings and items are fixed."))
        return redirect("funds:call-manage", pk=pk)
    initial = {"year": timezone.localtime(call.park_deadline).year, "title": call.title,
               "document_number": call.document_number, "park_deadline": timezone.localtime(call.park_deadline),
               "recommend_deadline": timezone.localtime(call.recommend_deadline), "publicity_days": call.publicity_days,
               "items": [i.code for i in selectors.items_of(call)]}
    form = forms.CallForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_fund_call(user=request.user, call=call, values=_call_values(form),
                                        item_codes=form.cleaned_data["items"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The call is saved."))
                return redirect("funds:call-manage", pk=pk)
        return render(request, "funds/call_form.html", {"form": form, "call": call}, status=400)
    return render(request, "funds/call_form.html", {"form": form, "call": call})


@login_required
def call_items(request, pk: int):
    """The call's supported items; while the call is a draft each has a form for its tiers, caps and standard."""
    call = _managed_call(request, pk)
    items = list(selectors.items_of(call))
    editable = in_group(call, "configurable")
    item_forms = [forms.ItemForm(item=item) for item in items] if editable else []
    status = 200
    if request.method == "POST":
        item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
        if item is None or not editable:
            raise Http404
        form = forms.ItemForm(request.POST, item=item)
        if form.is_valid():
            try:
                services.update_item(item=item, user=request.user, request=request, **form.values())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The item %(item)s is saved.") % {"item": item})
                return redirect("funds:call-items", pk=pk)
        item_forms = [form if f.item.pk == item.pk else f for f in item_forms]
        status = 400
    return render(request, "funds/call_items.html", {
        "call": call, "items": items, "item_forms": item_forms, "editable": editable}, status=status)


def _call_step(request, pk: int, step, success: str):
    call = _managed_call(request, pk)
    try:
        step(user=request.user, call=call, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _manage_page(request, call, status=400)
    messages.success(request, success)
    return redirect("funds:call-manage", pk=pk)


@login_required
@require_POST
def call_open(request, pk: int):
    from applications.services import open_call

    return _call_step(request, pk, open_call, _("The call is open: enterprises of the city can apply."))


@login_required
@require_POST
def call_close(request, pk: int):
    from applications.services import close_call

    return _call_step(request, pk, close_call, _("The call is closed."))


@login_required
def city_review(request, pk: int):
    application = _fund_application(pk)
    if not request.user.has_perm("funds.city_review", application) or not in_group(application, "city_visible"):
        raise Http404
    item_requests = list(application.item_requests.select_related("item").order_by("item__order"))
    if request.method == "POST":
        form = forms.CityReviewForm(request.POST, item_requests=item_requests)
        if form.is_valid():
            try:
                services.city_review(application=application, user=request.user, request=request,
                                     decision=form.cleaned_data["decision"], opinion=form.cleaned_data["opinion"],
                                     items=form.items())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect("funds:call-manage", pk=application.call_id)
        return _review_page(request, application, form, "funds/city_review.html", status=400)
    form = forms.CityReviewForm(item_requests=item_requests) if in_group(application, "awaiting_city_review") else None
    return _review_page(request, application, form, "funds/city_review.html")


def _plan_page(request, call, *, status=200, failed=None, revealed=None):
    """The plan with its objections; ``revealed``: (the objection, its full numbers) shown once, after an audited
    request."""
    plan = selectors.plan_of(call)
    rows = selectors.plan_rows(call)
    objections = [(o, failed if failed is not None and failed.prefix == f"o{o.pk}"
                   else forms.DecideObjectionForm(prefix=f"o{o.pk}"))
                  for o in (selectors.objections_of(plan) if plan else [])]
    return render(request, "funds/plan.html", {
        "call": call, "plan": plan, "rows": rows, "total": selectors.plan_total(rows),
        "cancelled": selectors.cancelled_rows(call), "objections": objections,
        "revealed_pk": revealed[0].pk if revealed else None, "revealed": revealed[1] if revealed else None},
        status=status)


@login_required
def plan(request, pk: int):
    return _plan_page(request, _managed_call(request, pk))


@login_required
@require_POST
def plan_draft(request, pk: int):
    call = _managed_call(request, pk)
    try:
        services.draft_plan(call=call, user=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("funds:plan", pk=pk)


def _plan_step(request, pk: int, *, form_class, template, perform, success):
    """A step of the plan: GET shows its form, POST performs it through the service."""
    call = _managed_call(request, pk)
    plan = _plan(call)
    form = form_class(request.POST or None, request.FILES or None) if form_class else None
    if request.method == "POST":
        if form is None or form.is_valid():
            try:
                perform(plan, form.cleaned_data if form else {})
            except ValidationError as exc:
                if form is None:
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect("funds:plan", pk=pk)
                add_errors(form, exc)
            else:
                messages.success(request, success)
                return redirect("funds:plan", pk=pk)
        return render(request, template, {"call": call, "plan": plan, "form": form}, status=400)
    return render(request, template, {"call": call, "plan": plan, "form": form})


@login_required
def plan_publish(request, pk: int):
    return _plan_step(request, pk, form_class=forms.PublishForm, template="funds/plan_step.html",
                      success=_("The plan is on public notice."),
                      perform=lambda plan, data: services.publish_plan(plan=plan, user=request.user, request=request,
                                                                      start=data["start"]))


@login_required
def plan_submit(request, pk: int):
    return _plan_step(request, pk, form_class=None, template="funds/plan_step.html",
                      success=_("The plan is submitted to the city government."),
                      perform=lambda plan, data: services.submit_for_approval(plan=plan, user=request.user,
                                                                              request=request))


@login_required
def plan_approval(request, pk: int):
    return _plan_step(request, pk, form_class=forms.ApprovalForm, template="funds/plan_step.html",
                      success=_("The city government's approval is recorded."),
                      perform=lambda plan, data: services.record_approval(
                          plan=plan, user=request.user, request=request, document_number=data["document_number"],
                          document_date=data["document_date"], uploaded_file=data["file"]))


@login_required
def plan_issue(request, pk: int):
    return _plan_step(request, pk, form_class=forms.IssueForm, template="funds/plan_step.html",
                      success=_("The plan is issued."),
                      perform=lambda plan, data: services.issue_plan(
                          plan=plan, user=request.user, request=request, document_number=data["document_number"],
                          document_date=data["document_date"]))


@login_required
def objection_new(request, pk: int):
    call = _managed_call(request, pk)
    plan = _plan(call)
    rows = selectors.plan_rows(call)
    form = forms.ObjectionForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_objection(plan=plan, user=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The objection is recorded; verify it."))
                return redirect("funds:plan", pk=pk)
        return render(request, "funds/objection_form.html", {"call": call, "plan": plan, "form": form}, status=400)
    return render(request, "funds/objection_form.html", {"call": call, "plan": plan, "form": form})


@login_required
@require_POST
def objection_decide(request, pk: int):
    objection = get_object_or_404(PlanObjection.objects.select_related("plan__call"), pk=pk)
    call = objection.plan.call
    if not request.user.has_perm("funds.manage_plan", call):
        raise Http404
    form = forms.DecideObjectionForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            services.decide_objection(objection=objection, user=request.user, request=request,
                                      upheld=form.cleaned_data["upheld"], finding=form.cleaned_data["finding"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The objection is decided."))
            return redirect("funds:plan", pk=call.pk)
    return _plan_page(request, call, status=400, failed=form)


@login_required
@require_POST
def objection_reveal(request, pk: int):
    """显示完整信息: the online objector's full numbers on the plan page, once, audited; refused to all but the
    officers of the call's organiser."""
    objection = get_object_or_404(PlanObjection.objects.select_related("plan__call__organiser"), pk=pk)
    call = objection.plan.call
    if not request.user.has_perm("funds.reveal_objector_data", objection.plan):
        raise Http404
    try:
        numbers = services.reveal_objector_data(objection=objection, user=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _plan_page(request, call, status=400)
    return _plan_page(request, call, revealed=(objection, numbers))


@login_required
def approval_file(request, pk: int):
    call = _managed_call(request, pk)
    approval = getattr(_plan(call), "approval", None)
    if approval is None:
        raise Http404
    record_event(verb="fund_plan.approval_downloaded", actor=request.user, target=approval.plan,
                 organization=call.organiser, request=request)
    return private_file_response(approval.file, filename=approval.original_name,
                                 content_type=mimetypes.guess_type(approval.original_name)[0])


@login_required
def plan_document(request, pk: int, fmt: str):
    """The issued plan as PDF or Word (the 公文 toolkit); the city bureau's officers download it."""
    call = _managed_call(request, pk)
    plan = _plan(call)
    if fmt not in ("pdf", "docx") or plan.state != "issued":
        raise Http404
    data = documents.plan_pdf(plan) if fmt == "pdf" else documents.plan_docx(plan)
    record_event(verb="fund_plan.document_downloaded", actor=request.user, target=plan, organization=call.organiser,
                 request=request, data={"format": fmt})
    content_type = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(data, content_type=content_type)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}.{fmt}")
    return response


# --- public --------------------------------------------------------------------------------------

def notice(request, pk: int):
    """在市商务局网站公示: the plan as posted (enterprise, district, item, amount), readable by anyone."""
    call, plan = _public_plan(pk)
    rows = selectors.plan_rows(call)
    return render(request, "funds/notice.html", {"call": call, "plan": plan, "rows": rows,
                                                 "total": selectors.plan_total(rows),
                                                 "objections_open": selectors.objections_open(plan)})


OBJECTION_SESSION_KEY = "fund_objection_receipts"


def _public_plan(pk: int) -> tuple[Call, FundPlan]:
    call = _fund_call(pk)
    plan = selectors.plan_of(call)
    if plan is None or not in_group(plan, "public"):
        raise Http404
    return call, plan


def object_form(request, pk: int):
    """The public objection form of the plan on notice: anyone objects to one of its items, with the protections of
    the bases' public form (a person's check, rate limits, the numbers encrypted); nothing typed is lost on an
    error. Outside the notice period it says so."""
    from portal.clientip import client_ip
    from publicity import services as publicity_services

    call, plan = _public_plan(pk)
    if not selectors.objections_open(plan):
        return render(request, "funds/object_closed.html", {"call": call, "plan": plan},
                      status=200 if request.method == "GET" else 403)
    rows = selectors.plan_rows(call)
    ip = client_ip(request)
    human_check = publicity_services.captcha_required(ip, objections=PlanObjection.objects.all())
    form = forms.PublicObjectionForm(request.POST or None, rows=rows, human_check=human_check)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.values()
            try:
                publicity_services.check_rate(ip=ip, phone=values["phone"], id_number=values["id_number"])
                objection = services.file_objection(plan=plan, item_request=form.cleaned_data["item_request"],
                                                    values=values, ip=ip, human_verified=form.human_verified)
            except publicity_services.RateLimited as exc:
                form.add_error(None, publicity_services.rate_limited_message(exc))
                status = 429
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                receipts = request.session.get(OBJECTION_SESSION_KEY, [])
                request.session[OBJECTION_SESSION_KEY] = [*receipts[-9:], objection.tracking_code]
                return redirect("funds:objection-receipt", pk=pk)
    return render(request, "funds/object_form.html", {"call": call, "plan": plan, "form": form}, status=status)


def objection_receipt(request, pk: int):
    """The receipt of the objection filed in this session: its tracking code and what happens next."""
    call, plan = _public_plan(pk)
    codes = request.session.get(OBJECTION_SESSION_KEY, [])
    objection = PlanObjection.objects.filter(plan=plan, tracking_code__in=codes).select_related(
        "item_request__item", "item_request__application__park").order_by("-id").first() if codes else None
    if objection is None:
        raise Http404
    return render(request, "funds/objection_receipt.html", {"call": call, "plan": plan, "objection": objection})


def objection_status(request, pk: int):
    """The objector's look-up of an online objection to the plan: its tracking code and phone number (the bases'
    status page's checks and limits); shows its status and, once decided, the written finding, nothing else."""
    from publicity.forms import StatusForm
    from publicity.views import look_up_objection

    call, plan = _public_plan(pk)
    form = StatusForm(request.POST or None)
    objection, status = None, 200
    if request.method == "POST":
        objection, status = look_up_objection(
            request, form, lambda **given: selectors.find_objection(plan, **given))
    return render(request, "funds/objection_status.html", {"call": call, "plan": plan, "form": form,
                                                           "objection": objection}, status=status)
