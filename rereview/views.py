"""Pages of the re-review: the organiser's rounds, a round's bases and steps, a base's re-review for its park.

The experts' work (conflicts, assignment, rubric, score sheets) is on review's own pages for the round's call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors import history_audience, parks_of
from portal.accounts.models import Role
from portal.accounts.selectors import organizations_for_role
from portal.audit.selectors import history_visible_to
from portal.formerrors import add_errors
from publicity.models import Notice
from rereview import selectors, services
from rereview.forms import FailureNoticeForm, OutcomeForm, RevocationForm, StartRoundForm
from rereview.models import ReReviewItem, ReReviewRound, Revocation


def _round(request, pk: int) -> ReReviewRound:
    try:
        rnd = selectors.round_for_view(pk)
    except ReReviewRound.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm("rereview.manage_round", rnd):
        raise Http404
    return rnd


def _organiser(request):
    orgs = organizations_for_role(request.user, Role.PROVINCIAL_OFFICER)
    if not orgs:
        raise Http404
    return orgs[0]


@login_required
def rounds(request):
    _organiser(request)
    return render(request, "rereview/rounds.html", {"rounds": selectors.rounds_managed_by(request.user)})


@login_required
def start(request):
    organiser = _organiser(request)
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    # The list offered is today's; the service checks the choice against the round's reference date.
    eligible = selectors.eligible_bases(organiser, on=today)
    form = StartRoundForm(data, eligible=eligible, initial={
        "reference_date": today, "period_from": today.year - 2, "period_to": today.year - 1,
        "title": _("%(year)s re-review of the digital service export bases") % {"year": today.year}})
    status = 200
    if data is not None:
        if form.is_valid():
            c = form.cleaned_data
            try:
                rnd = services.start_round(
                    user=request.user, organiser=organiser, title=c["title"], document_number=c["document_number"],
                    reference_date=c["reference_date"], period_from=c["period_from"], period_to=c["period_to"],
                    base_ids=[b.pk for b in c["bases"]], experts_per_application=c["experts_per_application"],
                    scoring_deadline=c["scoring_deadline"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The re-review round is started: assign the experts next."))
                return redirect("rereview:round", pk=rnd.pk)
        status = 400
    return render(request, "rereview/start.html", {"form": form, "eligible": eligible}, status=status)


def _round_page(request, rnd: ReReviewRound, *, status: int = 200, failed_item: int | None = None,
                failed_form=None, notice_form=None, revocation_form=None):
    page = Paginator(selectors.round_items(rnd), 50).get_page(request.GET.get("page"))
    rows = selectors.round_rows(rnd, page.object_list)
    counts = selectors.round_counts(rnd)
    for row in rows:
        item = row["item"]
        if failed_item == item.pk:
            row["form"] = failed_form
        else:
            row["form"] = OutcomeForm(prefix=f"o{item.pk}", initial={
                "outcome": item.outcome, "reason": item.reason, "rectification_deadline": item.rectification_deadline,
                "missing_sheets_reason": item.missing_sheets_reason})
    notice = selectors.live_notice(rnd)
    revocation = Revocation.objects.filter(round=rnd).first()
    return render(request, "rereview/round.html", {
        "round": rnd, "call": rnd.call, "rows": rows, "notice": notice, "revocation": revocation,
        "objections": list(notice.objections.select_related("item").order_by("-created_at")) if notice else [],
        "notice_form": notice_form or FailureNoticeForm(initial={
            "publication_date": timezone.localdate(), "contact_phone": request.user.phone,
            "contact_email": request.user.email}),
        "revocation_form": revocation_form or RevocationForm(initial={"document_date": timezone.localdate()}),
        "page": page, "counts": counts, "all_decided": counts["decided"] == counts["total"],
        "failed": counts["failed"],
        "window_over": notice is not None and notice.current_status == Notice.Status.CLOSED,
    }, status=status)


@login_required
def round_detail(request, pk: int):
    return _round_page(request, _round(request, pk))


@login_required
@require_POST
def outcome(request, pk: int):
    try:
        item = selectors.item_for_view(pk)
    except ReReviewItem.DoesNotExist as exc:
        raise Http404 from exc
    rnd = _round(request, item.round_id)
    form = OutcomeForm(request.POST, prefix=f"o{item.pk}")
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.decide_outcome(item=item, user=request.user, outcome=c["outcome"], reason=c["reason"],
                                    rectification_deadline=c["rectification_deadline"],
                                    missing_sheets_reason=c["missing_sheets_reason"], request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Outcome recorded for %(base)s.") % {"base": item.base.name})
            return redirect("rereview:round", pk=rnd.pk)
    return _round_page(request, rnd, status=400, failed_item=item.pk, failed_form=form)


def _round_step(request, pk: int, form_class, service, done: str, form_key: str):
    """A step of the round posted from its page (the 公示, the revocation): the service decides; a refusal shows
    the round's page again with what was typed and why, next to the fields."""
    rnd = _round(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(round=rnd, user=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("rereview:round", pk=rnd.pk)
    return _round_page(request, rnd, status=400, **{form_key: form})


@login_required
@require_POST
def publish_notice(request, pk: int):
    return _round_step(request, pk, FailureNoticeForm, services.publish_failures,
                       _("The failed bases are on public notice."), "notice_form")


@login_required
@require_POST
def revoke(request, pk: int):
    return _round_step(request, pk, RevocationForm, services.issue_revocation,
                       _("The revocation document is issued; the bases are shown as revoked."), "revocation_form")


def revocation_document(request, pk: int, fmt: str):
    """The issued revocation document, public like the designation document."""
    revocation = get_object_or_404(Revocation, round_id=pk)
    field = {"pdf": revocation.document_pdf, "docx": revocation.document_docx}.get(fmt)
    if not field:
        raise Http404
    name = f"{revocation.document_number or 'revocation'}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
def mine(request):
    parks = parks_of(request.user)
    if not parks:
        raise Http404
    return render(request, "rereview/mine.html", {"items": selectors.items_of_parks(parks)})


@login_required
def item_detail(request, pk: int):
    """One base's re-review: the outcome and the history as the reader's audience may see it (a park never sees
    an expert's name: ``history_visible_to``)."""
    try:
        item = selectors.item_for_view(pk)
    except ReReviewItem.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm("rereview.view_item", item):
        raise Http404
    audience = history_audience(request.user, item.application)
    notice = selectors.live_notice(item.round)
    return render(request, "rereview/item.html", {
        "item": item, "events": history_visible_to(item.application, audience),
        "show_ip": audience.kind == "organiser", "upheld": services.objection_upheld(item, notice),
        "notice": notice if notice and notice.status != Notice.Status.DRAFT else None,
        "revocation": Revocation.objects.filter(round=item.round).first() if item.revoked_at else None,
    })
