"""Pages of the expert review: the organiser's, the experts', the panel leader's, the co-reviewers'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application, Call
from portal.formerrors import add_errors
from portal.fragments import cached_fragment
from portal.home.text import clean_text
from portal.workflow.actions import in_group
from review import charts, services
from review.forms_experts import (
    AutoAssignForm,
    ConcurForm,
    DeclareConflictForm,
    DeclineForm,
    FormalCheckForm,
    ImportForm,
    ManualAssignForm,
    OpinionForm,
    PanelForm,
    ReopenForm,
    RubricFormSet,
)
from review.models import Assignment, CandidateList, Conflict, Panel, RankingExport, ScoreSheet
from review.selectors import experts as selectors
from review.todo import organiser_warnings


def _call(request, pk: int, perm: str = "review.organise_expert_review") -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser", "region"), pk=pk)
    if not request.user.has_perm(perm, call):
        raise Http404
    return call


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _flash(request, exc: ValidationError) -> None:
    for message in _errors(exc):
        messages.error(request, message)


# --- formal check --------------------------------------------------------------------------------

@login_required
def formal_list(request, call_pk: int):
    call = _call(request, call_pk)
    context = _formal_context(request, call)
    return render(request, "review/experts/formal.html", context, status=context["filter_status"])


def _formal_context(request, call, failed: tuple[int, FormalCheckForm] | None = None) -> dict:
    from portal.lists import filtered_page
    from review.filters import FormalFilter

    listing = filtered_page(request, FormalFilter, selectors.formal_check_list(call), per_page=50)
    rows = [(a, failed[1] if failed and failed[0] == a.pk else FormalCheckForm(prefix=f"a{a.pk}"))
            for a in listing["page"].object_list]
    return {"call": call, "rows": rows, "open_returns": selectors.open_returns_of_call(call),
            "warnings": organiser_warnings(call), **listing}


@login_required
@require_POST
def formal_decide(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("call", "park"), pk=pk)
    call = _call(request, application.call_id)
    form = FormalCheckForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            services.formal_check(application=application, user=request.user, request=request,
                                  decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
                                  resend_deadline=form.cleaned_data["resend_deadline"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                _flash(request, exc)
        else:
            messages.success(request, _("Formal check recorded for %(park)s.") % {"park": application.park.name})
            return redirect("review:formal", call_pk=call.pk)
    return render(request, "review/experts/formal.html", _formal_context(request, call, (pk, form)), status=400)


# --- expert pool ---------------------------------------------------------------------------------

@login_required
def expert_pool(request):
    if not request.user.has_perm("applications.add_call"):
        raise PermissionDenied
    report = None
    status = 200
    form = ImportForm()
    if request.method == "POST":
        from review.imports import read_xlsx

        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = read_xlsx(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
                status = 400
            else:
                report = services.import_experts(rows=rows, actor=request.user, request=request)
                status = 200 if report["ok"] else 400
        else:
            status = 400
    from portal.lists import filtered_page
    from review.filters import ExpertFilter

    listing = filtered_page(request, ExpertFilter, selectors.expert_pool(), per_page=100)
    return render(request, "review/experts/pool.html", {
        "experts": listing["page"].object_list, "form": form, "report": report, **listing,
    }, status=max(status, listing["filter_status"]))


@login_required
def expert_template(request):
    if not request.user.has_perm("applications.add_call"):
        raise PermissionDenied
    from review.exports import expert_template_xlsx

    response = HttpResponse(expert_template_xlsx(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="experts-template.xlsx"'
    return response


# --- panels, conflicts, assignment ---------------------------------------------------------------

@login_required
def panels(request, call_pk: int):
    call = _call(request, call_pk)
    pool = selectors.expert_pool(active_only=True)
    form = PanelForm(experts=pool)
    status = 200
    if request.method == "POST":
        form = PanelForm(request.POST, experts=pool)
        if form.is_valid():
            services.save_panel(call=call, user=request.user, name=form.cleaned_data["name"],
                                leader=form.cleaned_data["leader"], members=form.cleaned_data["members"],
                                request=request)
            messages.success(request, _("The panel is saved."))
            return redirect("review:panels", call_pk=call.pk)
        status = 400
    return render(request, "review/experts/panels.html", {
        "call": call, "form": form,
        "panels": Panel.objects.filter(call=call).select_related("leader__user").prefetch_related("members__user"),
    }, status=status)


@login_required
def conflicts(request, call_pk: int):
    call = _call(request, call_pk)
    if request.method == "POST":
        n = services.detect_conflicts(call=call, user=request.user, request=request)
        messages.success(request, _("%(n)s new possible conflicts found.") % {"n": n})
        return redirect("review:conflicts", call_pk=call.pk)
    from portal.lists import filtered_page
    from review.filters import ConflictFilter

    listing = filtered_page(request, ConflictFilter, selectors.conflicts_of(call), per_page=100)
    return render(request, "review/experts/conflicts.html", {
        "call": call, "conflicts": listing["page"].object_list, **listing}, status=listing["filter_status"])


@login_required
@require_POST
def conflict_decide(request, pk: int):
    conflict = get_object_or_404(Conflict.objects.select_related("application"), pk=pk)
    call = _call(request, conflict.application.call_id)
    try:
        services.decide_conflict(conflict=conflict, user=request.user, confirm=request.POST.get("confirm") == "1",
                                 request=request)
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("review:conflicts", call_pk=call.pk)


@login_required
def assignments(request, call_pk: int):
    call = _call(request, call_pk)
    result = None
    status = 200
    form = AutoAssignForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.auto_assign(call=call, user=request.user, seed=form.cleaned_data["seed"],
                                              alternates=form.cleaned_data["alternates"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
        else:
            status = 400
    if result is not None:
        if result.shortfalls:
            messages.warning(request, _("%(n)s application(s) could not get enough experts; see below.")
                             % {"n": len(result.shortfalls)})
        else:
            messages.success(request, _("%(n)s assignments made (seed %(seed)s); every application has its "
                                        "experts.") % {"n": len(result.pairs), "seed": result.seed})
    from portal.lists import filtered_page
    from review.filters import OrganiserApplicationFilter

    listing = filtered_page(request, OrganiserApplicationFilter, selectors.applications_for_review(call)
                            .order_by("park__name", "pk"), per_page=50)
    status = max(status, listing["filter_status"])
    apps = list(listing["page"].object_list)
    ids = [a.pk for a in apps]
    by_app: dict[int, list[Assignment]] = {a.pk: [] for a in apps}
    for item in selectors.assignments_of(call).filter(application__in=ids):
        by_app.setdefault(item.application_id, []).append(item)
    draw = selectors.latest_draw(call)
    alternates = selectors.alternates_of(draw, ids)
    loads = selectors.loads(call)
    names = {a.pk: a.park.name for a in apps}
    # One list of experts for every row's picker (a form per row would query the pool once per row).
    pool = [(e.pk, f"{e}（{e.employer.name}）") for e in selectors.expert_pool(active_only=True)]
    return render(request, "review/experts/assignments.html", {
        "call": call, "rows": [(a, by_app[a.pk], alternates.get(a.pk, [])) for a in apps], "pool": pool,
        "result": result, "shortfalls": [(names.get(s.item_id, s.item_id), s) for s in (result.shortfalls
                                                                                        if result else [])],
        "loads": sorted(loads.values()) if loads else [], "k": call.experts_per_application,
        "form": form, "draw": draw, **listing,
    }, status=status)


@login_required
@require_POST
def assign_manually(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("call", "park"), pk=pk)
    call = _call(request, application.call_id)
    form = ManualAssignForm(request.POST, experts=selectors.expert_pool(active_only=True), prefix=f"a{pk}")
    if form.is_valid():
        try:
            services.assign_manually(application=application, experts=form.cleaned_data["experts"],
                                     user=request.user, request=request)
        except ValidationError as exc:
            _flash(request, exc)
            return redirect("review:assignments", call_pk=call.pk)
        messages.success(request, _("Experts assigned to %(park)s.") % {"park": application.park.name})
    else:
        messages.error(request, _("Choose at least one expert."))
    return redirect("review:assignments", call_pk=call.pk)


# --- rubric --------------------------------------------------------------------------------------

@login_required
def rubric(request, call_pk: int):
    call = _call(request, call_pk)
    services.ensure_default_rubric(call)
    criteria = selectors.rubric_of(call)
    locked = selectors.scoring_started(call)
    status = 200
    if request.method == "POST" and not locked:
        formset = RubricFormSet(request.POST, prefix="rubric")
        if formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                services.save_rubric(call=call, user=request.user, rows=rows, request=request)
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("The rubric is saved."))
                return redirect("review:rubric", call_pk=call.pk)
        status = 400
    else:
        formset = RubricFormSet(prefix="rubric", initial=[
            {"name": c.name, "description": c.description, "max_points": c.max_points, "weight": c.weight}
            for c in criteria])
    total = sum(c.max_points * c.weight for c in criteria)
    return render(request, "review/experts/rubric.html", {
        "call": call, "formset": formset, "locked": locked, "criteria": criteria, "total": total,
    }, status=status)


# --- ranking and candidates ----------------------------------------------------------------------

@login_required
def ranking(request, call_pk: int):
    return _ranking_page(request, _call(request, call_pk))


RANKING_PAGE_SIZE = 50


def _ranking_page(request, call, *, proposal=None, errors=(), status=200):
    """The ranking; after a refused proposal, with what the organiser checked and typed, and why."""
    # The ranking is stored (recomputed by a task when sheets change); the page reads one page of it, and
    # its rows and score sheets are drawn once per version of what they show (portal.fragments).
    snapshot = selectors.ranking_snapshot(call)
    if snapshot is None:  # the first time this call is ranked
        snapshot = services.refresh_ranking(call_id=call.pk)
    page = Paginator(selectors.ranking_rows(snapshot), RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list.values_list("application_id", flat=True))
    candidate_list = selectors.candidate_list_of(call)
    proposal = proposal or {"ids": [], "note": "", "reason": "", "acknowledge": False}
    selectable = not candidate_list or in_group(candidate_list, "editable")
    version = (call.pk, snapshot.pk, snapshot.computed_at.isoformat(), page.number, RANKING_PAGE_SIZE, selectable,
               *selectors.ranking_page_version(call, ids))
    drawn = {}

    def rows_context() -> dict:
        rows = list(page.object_list)
        totals = selectors.sheets_for_chart(call, ids)
        opinions = selectors.panel_opinions(ids)
        maximum = charts.rubric_maximum(selectors.rubric_of(call))
        for row in rows:
            row.chart = charts.strip_plot(totals.get(row.application_id, []), maximum=maximum)
            row.panel_opinion = opinions.get(row.application_id, "")
        drawn["rows"] = rows
        return {"rows": rows, "selectable": selectable, "proposal_ids": proposal["ids"]}

    def sheets_context() -> dict:
        return {"sheets": ScoreSheet.objects.filter(assignment__call=call, application__in=ids).select_related(
            "assignment__expert__user", "application__park").order_by("application__park__name", "pk")}

    # What a refused proposal kept checked is this request's own: drawn for it, not cached.
    rows_html = cached_fragment(request, "review/experts/_ranking_rows.html", rows_context, version=version,
                                use_cache=not proposal["ids"])
    sheets_html = cached_fragment(request, "review/experts/_ranking_sheets.html", sheets_context, version=version)
    if snapshot.stale_since is not None:
        services.queue_ranking(call_id=call.pk)  # in case its task was lost; no-op when one is queued
    return render(request, "review/experts/ranking.html", {
        "call": call, "rows": drawn.get("rows"), "rows_html": rows_html, "sheets_html": sheets_html, "page": page,
        "candidate_list": candidate_list, "snapshot": snapshot,
        "exports": _ranking_exports(call),
        "warnings": organiser_warnings(call),
        "proposal": proposal,
        "proposal_errors": list(errors),
    }, status=status)


def _ranking_exports(call) -> list[tuple[str, str, RankingExport | None]]:
    found = {e.format: e for e in RankingExport.objects.filter(call=call)}
    return [(fmt, label, found.get(fmt)) for fmt, label in RankingExport.Format.choices]


@login_required
def ranking_export(request, call_pk: int, fmt: str):
    """POST: queue the workbook or PDF (a Celery task). GET with htmx: its status panel, polled until
    ready. GET: the file once ready (audited), else back to the ranking page."""
    call = _call(request, call_pk)
    if fmt not in RankingExport.Format.values:
        raise Http404
    if request.method == "POST":
        item = services.request_ranking_export(call=call, fmt=fmt, user=request.user,
                                               again=bool(request.POST.get("again")), request=request)
    else:
        item = RankingExport.objects.filter(call=call, format=fmt).first()
        if not request.headers.get("HX-Request"):
            if item is None or item.status != RankingExport.Status.READY or not item.file:
                return redirect("review:ranking", call_pk=call.pk)
            from portal.audit.services import record_event

            record_event(verb="ranking.exported", actor=request.user, target=call, organization=call.organiser,
                         data={"format": fmt}, request=request)
            return FileResponse(item.file.open("rb"), as_attachment=True, filename=f"ranking-{call.pk}.{fmt}",
                                content_type=RANKING_CONTENT_TYPES[fmt])
    if request.headers.get("HX-Request"):
        return render(request, "review/experts/_ranking_export.html",
                      {"call": call, "fmt": fmt, "export": item, "label": RankingExport.Format(fmt).label})
    return redirect("review:ranking", call_pk=call.pk)


RANKING_CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         "pdf": "application/pdf"}


@login_required
@require_POST
def reopen_sheet(request, pk: int):
    sheet = get_object_or_404(ScoreSheet.objects.select_related("assignment__call"), pk=pk)
    call = _call(request, sheet.assignment.call_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_sheet(sheet=sheet, user=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("The sheet is reopened; the expert has been notified."))
    else:
        messages.error(request, _("Give the reason for reopening the sheet."))
    return redirect("review:ranking", call_pk=call.pk)


@login_required
@require_POST
def propose(request, call_pk: int):
    call = _call(request, call_pk)
    ids = []
    for value in request.POST.getlist("candidate"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    order = {item["application"].pk: i for i, item in enumerate(selectors.ranking(call))}
    ids.sort(key=lambda pk: order.get(pk, 10**9))
    proposal = {"ids": ids, "note": clean_text(request.POST.get("note"), max_length=2000),
                "reason": clean_text(request.POST.get("missing_sheets_reason"), max_length=2000),
                "acknowledge": request.POST.get("acknowledge_count") == "on"}
    try:
        services.propose_candidates(
            call=call, user=request.user, application_ids=ids, request=request, note=proposal["note"],
            acknowledge_count=proposal["acknowledge"], missing_sheets_reason=proposal["reason"])
    except ValidationError as exc:
        return _ranking_page(request, call, proposal=proposal, errors=_errors(exc), status=400)
    messages.success(request, _("The candidate list is proposed to the co-reviewing departments."))
    return redirect("review:candidates", call_pk=call.pk)


@login_required
def candidates(request, call_pk: int):
    call = _call(request, call_pk, "review.view_candidates")
    candidate_list = selectors.candidate_list_of(call)
    if candidate_list is None:
        raise Http404
    form = ConcurForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("_action") == "withdraw":
            try:
                services.withdraw_candidates(call=call, user=request.user, request=request)
            except Exception as exc:  # noqa: BLE001 - a refused transition or permission
                if isinstance(exc, PermissionDenied):
                    raise
                messages.error(request, _("The list can no longer be withdrawn."))
            return redirect("review:ranking", call_pk=call.pk)
        if not request.user.has_perm("review.concur_candidates", call):
            raise PermissionDenied
        form = ConcurForm(request.POST)
        if form.is_valid():
            try:
                services.concur_candidates(call=call, user=request.user, request=request,
                                           stance=form.cleaned_data["stance"], opinion=form.cleaned_data["opinion"])
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("Your department's opinion is recorded."))
                return redirect("review:candidates", call_pk=call.pk)
        status = 400
    given = {c.organization_id: c for c in candidate_list.concurrences.select_related("organization")}
    return render(request, "review/experts/candidates.html", {
        "call": call, "candidate_list": candidate_list, "form": form,
        "co_issuers": [(org, given.get(org.pk)) for org in call.co_issuers.order_by("name")],
        "can_concur": request.user.has_perm("review.concur_candidates", call)
        and candidate_list.status == CandidateList.Status.PROPOSED,
        "is_organiser": request.user.has_perm("review.organise_expert_review", call),
    }, status=status)


# --- experts -------------------------------------------------------------------------------------

@login_required
def task(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related(
        "application__park", "call", "version", "expert__user"), pk=pk)
    if not request.user.has_perm("review.work_on_task", assignment):
        raise Http404
    criteria = selectors.rubric_of(assignment.call)
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    status = 200
    field_errors: dict = {}
    declare_form = DeclareConflictForm()
    decline_form = DeclineForm()
    if request.method == "POST":
        action = request.POST.get("_action")
        try:
            if action == "no_conflict":
                services.confirm_no_conflict(assignment=assignment, user=request.user, request=request)
                return redirect("review:task", pk=pk)
            if action == "decline":
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    replacement = services.decline_assignment(assignment=assignment, user=request.user,
                                                              reason=decline_form.cleaned_data["reason"],
                                                              request=request)
                    messages.success(request, _("You declined the assignment; an alternate expert takes it.")
                                     if replacement else _("You declined the assignment; the organiser will "
                                                           "assign another expert."))
                    return redirect("workspace-expert")
                status = 400
            elif action == "declare":
                declare_form = DeclareConflictForm(request.POST)
                if declare_form.is_valid():
                    services.declare_conflict(assignment=assignment, user=request.user, request=request,
                                              reason=declare_form.cleaned_data["reason"])
                    messages.success(request, _("Your declaration is recorded; the dossier is no longer assigned "
                                                "to you."))
                    return redirect("workspace-expert")
                status = 400
            elif action in ("save", "submit"):
                scores = {str(c.pk): clean_text(request.POST.get(f"score_{c.pk}"), max_length=20).strip()
                  for c in criteria}
                sheet = services.save_sheet(assignment=assignment, user=request.user, scores=scores,
                                            comment=clean_text(request.POST.get("comment"), max_length=5000),
                                            submit=action == "submit", request=request)
                messages.success(request, _("Score sheet submitted.") if action == "submit"
                                 else _("Draft saved."))
                return redirect("review:task", pk=pk)
            else:
                raise Http404
        except services.SheetErrors as exc:
            field_errors = exc.field_errors
            status = 400
        except ValidationError as exc:
            _flash(request, exc)
            status = 400
    posted = request.POST if request.method == "POST" else None
    rows = []
    for criterion in criteria:
        key = str(criterion.pk)
        value = posted.get(f"score_{key}", "") if posted is not None else (sheet.scores.get(key, "") if sheet else "")
        rows.append({"criterion": criterion, "value": value, "error": field_errors.get(key)})
    outline = None
    if assignment.no_conflict_confirmed_at:
        from applications.exports import dossier_outline

        outline = dossier_outline(assignment.version)
    return render(request, "review/experts/task.html", {
        "assignment": assignment, "sheet": sheet, "rows": rows, "outline": outline,
        "comment": posted.get("comment", "") if posted is not None else (sheet.comment if sheet else ""),
        "declare_form": declare_form, "decline_form": decline_form,
        "locked": sheet is not None and sheet.status == ScoreSheet.Status.SUBMITTED,
    }, status=status)


@login_required
def panel_opinions(request, call_pk: int):
    call = _call(request, call_pk, "review.record_panel_opinion")
    panel = (Panel.objects.filter(call=call, leader__user=request.user).first()
             or Panel.objects.filter(call=call, members__user=request.user).select_related("leader").first())
    panels = []
    if panel is None and request.user.has_perm("review.organise_expert_review", call):
        # The organiser writes an opinion where no member without a conflict can: any panel of the call.
        panels = list(Panel.objects.filter(call=call).order_by("name"))
        chosen = request.POST.get("panel") or request.GET.get("panel")
        panel = next((p for p in panels if str(p.pk) == chosen), panels[0] if panels else None)
    apps = list(selectors.applications_for_review(call))
    status = 200
    posted_form, posted_pk = None, None
    if request.method == "POST":
        try:
            application_pk = int(request.POST.get("application", ""))
        except ValueError as exc:
            raise Http404 from exc
        application = get_object_or_404(Application, pk=application_pk, call=call)
        form = OpinionForm(request.POST)
        if form.is_valid():
            try:
                services.record_panel_opinion(application=application, panel=panel, user=request.user,
                                              text=form.cleaned_data["text"], request=request)
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("Panel opinion recorded for %(park)s.")
                                 % {"park": application.park.name})
                return redirect("review:panel-opinions", call_pk=call.pk)
        status = 400
        posted_form, posted_pk = form, application.pk
    opinions = {o.application_id: o.text for o in panel.opinions.all()} if panel else {}
    sheets = selectors.panel_sheets(panel, apps)
    rows = []
    for a in apps:
        form = posted_form if a.pk == posted_pk else OpinionForm(initial={"text": opinions.get(a.pk, "")})
        allowed = panel is not None and services.may_write_panel_opinion(request.user, application=a, panel=panel)
        rows.append((a, form, allowed, opinions.get(a.pk, ""), sheets.get(a.pk, [])))
    return render(request, "review/experts/panel_opinions.html", {
        "call": call, "panel": panel, "rows": rows, "panels": panels,
    }, status=status)


@login_required
def discussion(request, pk: int):
    """The application's discussion thread: its experts, the panel and the organiser."""
    from review.forms_experts import DiscussionForm

    application = get_object_or_404(Application.objects.select_related("call", "park"), pk=pk)
    if not request.user.has_perm("review.discuss_application", application):
        raise Http404
    form = DiscussionForm()
    status = 200
    if request.method == "POST":
        form = DiscussionForm(request.POST)
        if form.is_valid():
            try:
                services.post_to_discussion(application=application, user=request.user,
                                            text=form.cleaned_data["text"], request=request)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("review:discussion", pk=pk)
        status = 400
    return render(request, "review/experts/discussion.html", {
        "application": application, "posts": selectors.discussion_of(application), "form": form,
        "organiser": request.user.has_perm("review.organise_expert_review", application.call),
    }, status=status)
