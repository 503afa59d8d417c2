from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import units
from applications.models import Application, Call
from applications.selectors import application_for_view, versions_of
from applications.versions import compare_versions
from portal import workflow
from portal.audit.services import record_event
from portal.files import private_file_response
from portal.formerrors import add_errors
from portal.fragments import cached_fragment
from review import quota, selectors, services
from review.forms import CoReviewForm, DecisionForm, RecommendationListForm, ResendForm, ReturnForm, SendForm
from review.models import Recommendation


def _call(request, pk: int, perm: str) -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser", "region"), pk=pk)
    if not request.user.has_perm(perm, call):
        raise Http404
    return call


def _application(request, pk: int, perm: str) -> Application:
    try:
        application = application_for_view(pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm(perm, application):
        raise Http404
    return application


# --- preliminary review --------------------------------------------------------------------------

def park_declarations(version, previous, count: int) -> dict[int, dict]:
    """Condition number → the park's explanation and evidence in ``version``, and whether either
    changed since ``previous``."""
    def of(v, i):
        data = (v.data or {}).get("conditions", {}) if v else {}
        return (data.get(f"c{i}_explanation", ""), sorted(str(e) for e in data.get(f"c{i}_evidence", []) or []))

    names = {str(a["id"]): a["name"] for a in version.attachments or []}
    result = {}
    for i in range(1, count + 1):
        explanation, evidence = of(version, i)
        result[i] = {"explanation": explanation, "evidence": [names.get(e, e) for e in evidence],
                     "changed": previous is not None and of(previous, i) != (explanation, evidence)}
    return result


@login_required
def inbox(request, call_pk: int):
    call = _call(request, call_pk, "review.view_inbox")
    from portal.lists import filtered_page
    from review.filters import InboxFilter

    listing = filtered_page(request, InboxFilter, selectors.inbox(request.user, call), per_page=50)
    applications = listing["page"].object_list
    # The rows are drawn once per version of what they show (portal.fragments): the applications of this
    # page as they are now (state, latest version; a version never changes once submitted).
    version = (call.pk, "inbox", *sorted(units.unit_regions_of(request.user, call)),
               *applications.values_list("pk", "state", "latest_version_number", "updated_at"))
    rows_html = cached_fragment(request, "review/_inbox_rows.html", lambda: {"applications": applications},
                                version=version)
    return render(request, "review/inbox.html", {
        "call": call, "applications": applications, "rows_html": rows_html, **listing,
    }, status=listing["filter_status"])


@login_required
def review_application(request, pk: int):
    application = _application(request, pk, "review.review_application")
    versions = list(versions_of(application))
    if not versions:
        raise Http404
    latest = versions[0]
    conditions = application.call.basic_conditions
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST, conditions=conditions)
        if form.is_valid():
            try:
                services.decide(application=application, version_number=form.cleaned_data["version"],
                                user=request.user, decision=form.cleaned_data["decision"],
                                checklist=form.checklist(), opinion=form.cleaned_data["opinion"],
                                reasons=form.cleaned_data["reasons"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
                status = 409 if getattr(exc, "code", "") in ("stale_version", "decided") else 400
            else:
                messages.success(request, _("Decision recorded; the park has been notified."))
                return redirect("review:inbox", call_pk=application.call_id)
        else:
            status = 400
    else:
        # On a resubmission the checklist of the last round is kept, for the reviewer to revise.
        last = selectors.reviews_of(application).first()
        initial = {"version": latest.number}
        if last:
            for key, item in (last.checklist or {}).items():
                initial[f"{key}_status"] = item.get("status")
                initial[f"{key}_remark"] = item.get("remark", "")
        form = DecisionForm(initial=initial, conditions=conditions)
    previous = versions[1] if len(versions) > 1 else None
    form.park_declarations = park_declarations(latest, previous, len(conditions))
    return render(request, "review/review.html", {
        "application": application, "version": latest, "versions": versions, "form": form,
        "reviews": selectors.reviews_of(application),
        "changes": compare_versions(previous, latest) if previous else None, "previous": previous,
        "co_reviews": selectors.co_reviews_of_version(latest),
        # a decision of the preliminary review is open to this reviewer now (the workflow says)
        "can_decide": any(move.url == "review:review" for move in workflow.available(request.user, application)),
    }, status=status)


# --- co-review -----------------------------------------------------------------------------------

@login_required
def coreview_list(request, call_pk: int):
    call = _call(request, call_pk, "review.view_coreview_list")
    return _coreview_page(request, call)


def _coreview_page(request, call, failed=None, status=200):
    """One page of the list (searched, filtered, sorted: portal.lists), one form per application, each with
    its own prefix; a failed one keeps what was typed."""
    from portal.lists import filtered_page
    from review.filters import CoReviewFilter

    listing = filtered_page(request, CoReviewFilter, selectors.coreview_list(request.user, call), per_page=50)
    rows = [(a, failed[1] if failed and failed[0] == a.pk else CoReviewForm(
        prefix=f"a{a.pk}", initial={"stance": a.my_stance, "opinion": a.my_opinion}))
        for a in listing["page"].object_list]
    if failed and not any(a.pk == failed[0] for a, _form in rows):  # refused on another page: shown first
        refused = selectors.coreview_list(request.user, call).filter(pk=failed[0]).first()
        if refused is not None:
            rows.insert(0, (refused, failed[1]))
    return render(request, "review/coreview_list.html", {"call": call, "rows": rows, **listing},
                  status=status if status != 200 else listing["filter_status"])


@login_required
@require_POST
def coreview(request, pk: int):
    application = _application(request, pk, "review.coreview_application")
    form = CoReviewForm(request.POST, prefix=f"a{application.pk}")
    if form.is_valid():
        try:
            services.co_review(application=application, user=request.user, request=request,
                               stance=form.cleaned_data["stance"], opinion=form.cleaned_data["opinion"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your department's opinion on %(park)s is recorded.")
                             % {"park": application.park.name})
            return redirect("review:coreview-list", call_pk=application.call_id)
    return _coreview_page(request, application.call, failed=(application.pk, form), status=400)


# --- recommendation ------------------------------------------------------------------------------

def _unit_region(request, call) -> int:
    regions = units.unit_regions_of(request.user, call)
    if not regions:
        raise Http404
    return sorted(regions)[0]


@login_required
def recommendation(request, call_pk: int):
    call = _call(request, call_pk, "review.view_inbox")
    region_id = _unit_region(request, call)
    current = selectors.recommendation_for(call, region_id)
    applications = list(selectors.approved_applications(call, region_id))
    items = list(current.items.all()) if current else []
    status = 200
    list_form = RecommendationListForm(applications=applications, items=items)
    if current and current.is_locked:
        for field in list_form.fields.values():
            field.disabled = True
    send_form = SendForm(initial={"letter_number": current.letter_number if current else ""})
    returns = list(selectors.open_returns(call, region_id))
    resendable = [a for a in applications if workflow.in_group(a, "recommendable")]
    resend_forms = {r.pk: ResendForm(applications=resendable,
                                     initial={"formal_return": r.pk, "application": r.application_id})
                    for r in returns}
    if request.method == "POST":
        action = request.POST.get("_action")
        if action == "save":
            list_form = RecommendationListForm(request.POST, applications=applications, items=items)
            if list_form.is_valid():
                try:
                    services.save_recommendation(call=call, user=request.user,
                                                 application_ids=list_form.ordered_ids(), request=request)
                except ValidationError as exc:
                    add_errors(list_form, exc)
                else:
                    messages.success(request, _("The recommendation list is saved."))
                    return redirect("review:recommendation", call_pk=call.pk)
            status = 400
        elif action == "send":
            send_form = SendForm(request.POST)
            if send_form.is_valid():
                try:
                    services.send_recommendation(call=call, user=request.user, request=request,
                                                 letter_number=send_form.cleaned_data["letter_number"])
                except ValidationError as exc:
                    add_errors(send_form, exc)
                else:
                    messages.success(request, _("The recommendation has been sent to %(org)s.")
                                     % {"org": call.organiser.name})
                    return redirect("review:recommendation", call_pk=call.pk)
            status = 400
        elif action == "resend":
            resend_form = ResendForm(request.POST, applications=resendable)
            formal_return = next((r for r in returns if str(r.pk) == request.POST.get("formal_return")), None)
            if formal_return is None:
                raise Http404
            if resend_form.is_valid():
                try:
                    services.resend_after_return(
                        formal_return=formal_return, user=request.user, request=request,
                        application_id=resend_form.cleaned_data["application"],
                        letter_number=resend_form.cleaned_data["letter_number"])
                except ValidationError as exc:
                    add_errors(resend_form, exc)
                else:
                    messages.success(request, _("The park has been re-sent to %(org)s.")
                                     % {"org": call.organiser.name})
                    return redirect("review:recommendation", call_pk=call.pk)
            resend_forms[formal_return.pk] = resend_form
            status = 400
        else:
            raise Http404
    concurrences = selectors.concurrences(applications, call)
    kinds = units.unit_roles(call).coreviewer_kinds
    return render(request, "review/recommendation.html", {
        "call": call, "recommendation": current, "items": items, "list_form": list_form,
        "send_form": send_form, "days": selectors.days_left(call),
        "departments": selectors.co_departments(call, region_id),
        "rows": [(a, field, [concurrences[a.pk].get(k) for k in kinds]) for a, field in list_form.rows()],
        "gaps": services.co_review_gaps(current) if current and current.items.exists() else [],
        "returns": [(r, resend_forms[r.pk]) for r in returns],
        "quota_used": len(quota.counted_applications(call, region_id)),
    }, status=status)


@login_required
def letter(request, pk: int, fmt: str):
    item = get_object_or_404(Recommendation.objects.select_related("call", "region"), pk=pk)
    if not request.user.has_perm("review.view_recommendation", item):
        raise Http404
    file = {"pdf": item.letter_pdf, "docx": item.letter_docx}.get(fmt)
    if not file:
        raise Http404
    record_event(verb="recommendation.letter_downloaded", actor=request.user, target=item,
                 organization=item.organization, data={"format": fmt}, request=request)
    return private_file_response(file, filename=f"推荐函-{item.region.name}-{item.letter_number}.{fmt}")


# --- organiser -----------------------------------------------------------------------------------

@login_required
def overview(request, call_pk: int):
    call = _call(request, call_pk, "review.view_overview")
    return render(request, "review/overview.html", {
        "call": call, "units": selectors.overview(call), "days": selectors.days_left(call),
        "return_form": ReturnForm(),
    })


@login_required
def recommendation_detail(request, pk: int):
    item = get_object_or_404(Recommendation.objects.select_related("call", "region", "organization"), pk=pk)
    if not request.user.has_perm("review.view_recommendation", item):
        raise Http404
    return render(request, "review/recommendation_detail.html", {
        "recommendation": item, "items": item.items.select_related("application__park", "version"),
        "return_form": ReturnForm(),
        "can_return": request.user.has_perm("review.return_recommendation", item) and item.is_locked,
    })


@login_required
@require_POST
def return_recommendation(request, pk: int):
    item = get_object_or_404(Recommendation, pk=pk)
    if not request.user.has_perm("review.view_recommendation", item):
        raise Http404
    if not request.user.has_perm("review.return_recommendation", item):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_recommendation(recommendation=item, user=request.user,
                                           reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The list has been returned to %(unit)s.")
                             % {"unit": item.organization.name})
            return redirect("review:overview", call_pk=item.call_id)
    return render(request, "review/recommendation_detail.html", {
        "recommendation": item, "items": item.items.select_related("application__park", "version"),
        "return_form": form, "can_return": True,
    }, status=400)


