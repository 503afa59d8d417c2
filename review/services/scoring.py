"""The rubric, score sheets, the stored ranking and its exports, and the experts' discussion."""


from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Call
from portal.audit.services import record_event
from portal.workflow import StepNotPossible, perform
from review.models import (
    Assignment,
    CandidateList,
    DiscussionPost,
    RankingExport,
    RankingRow,
    RankingSnapshot,
    RubricCriterion,
    ScoreSheet,
)
from review.selectors import experts as expert_selectors
from review.services._common import _organiser_of, tell_in_words

DEFAULT_RUBRIC = [
    ("基本条件", "六项申报基本条件的符合程度。", "10"),
    ("产业规模与出口", "总产值、信息技术服务业产值、数字服务出口额和企业数量。", "25"),
    ("发展基础", "统计体系运行、网络安全风险防范、数字基础设施。", "20"),
    ("突出优势", "领军企业、研发投入、领军人才和政策支持。", "25"),
    ("规划与思路", "发展数字服务出口的规划和思路是否清晰可行。", "10"),
    ("材料质量", "申报材料是否完整、规范、真实。", "10"),
]


# --- rubric and scoring --------------------------------------------------------------------------

@transaction.atomic
def save_rubric(*, call: Call, user, rows: list[dict], request=None) -> list[RubricCriterion]:
    _organiser_of(user, call)
    if expert_selectors.scoring_started(call):
        raise ValidationError(_("Scoring has started; the rubric can no longer change."), code="locked")
    if not rows:
        raise ValidationError(_("The rubric needs at least one criterion."))
    RubricCriterion.objects.filter(call=call).delete()
    criteria = RubricCriterion.objects.bulk_create([
        RubricCriterion(call=call, order=i, name=r["name"], description=r.get("description", ""),
                        max_points=r["max_points"], weight=r.get("weight") or Decimal("1"))
        for i, r in enumerate(rows, start=1)])
    record_event(verb="rubric.saved", actor=user, target=call, organization=call.organiser,
                 data={"criteria": [[r["name"], str(r["max_points"])] for r in rows]}, request=request)
    return criteria


def ensure_default_rubric(call: Call) -> None:
    if not RubricCriterion.objects.filter(call=call).exists():
        RubricCriterion.objects.bulk_create([
            RubricCriterion(call=call, order=i, name=name, description=description, max_points=Decimal(points))
            for i, (name, description, points) in enumerate(DEFAULT_RUBRIC, start=1)])


def _check_scores(criteria: list[RubricCriterion], scores: dict, *, complete: bool) -> tuple[dict, dict]:
    clean, errors = {}, {}
    for criterion in criteria:
        raw = scores.get(str(criterion.pk))
        if raw in (None, ""):
            if complete:
                errors[str(criterion.pk)] = _("Score this criterion.")
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors[str(criterion.pk)] = _("Enter a number.")
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_points:
            errors[str(criterion.pk)] = _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_points}
            continue
        clean[str(criterion.pk)] = str(value.quantize(Decimal("0.1")))
    return clean, errors


class SheetErrors(ValidationError):
    def __init__(self, errors: dict):
        super().__init__(_("Some scores are missing or out of range."), code="scores")
        self.field_errors = errors


def scoring_closed(call: Call) -> str:
    """Why score sheets of the call can no longer be saved ("" while scoring is open): the scoring deadline
    has passed, or the candidate list has been proposed. Only a sheet the organiser reopened, with an
    audited reason, may then still be changed."""
    if call.scoring_deadline and timezone.now() > call.scoring_deadline:
        return _("The scoring deadline has passed; the sheet can no longer be changed.")
    if CandidateList.objects.filter(call=call).exclude(status=CandidateList.Status.DRAFT).exists():
        return _("The candidate list has been proposed; the sheet can no longer be changed.")
    return ""


@transaction.atomic
def save_sheet(*, assignment: Assignment, user, scores: dict, comment: str, submit: bool,
               request=None) -> ScoreSheet:
    assignment = Assignment.objects.select_for_update().select_related("expert", "call").get(pk=assignment.pk)
    if assignment.expert.user_id != user.pk:
        raise PermissionDenied
    if assignment.no_conflict_confirmed_at is None:
        raise ValidationError(_("Confirm that you have no conflict of interest first."), code="confirm")
    sheet, _created = ScoreSheet.objects.get_or_create(
        assignment=assignment, defaults={"application": assignment.application, "version": assignment.version})
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status == ScoreSheet.Status.SUBMITTED:
        raise ValidationError(_("This score sheet has been submitted and is locked."), code="locked")
    closed = scoring_closed(assignment.call)
    if closed and not sheet.reopened_reason:
        raise ValidationError(closed, code="closed")
    criteria = expert_selectors.rubric_of(assignment.call)
    if not criteria:
        raise ValidationError(_("The call has no rubric yet; the organiser must set it before scoring."),
                              code="no_rubric")
    clean, errors = _check_scores(criteria, scores, complete=submit)
    if errors:
        raise SheetErrors(errors)
    sheet.scores = clean
    sheet.comment = (comment or "").strip()
    weights = {str(c.pk): c.weight for c in criteria}
    sheet.total = sum((Decimal(v) * weights[k] for k, v in clean.items()), Decimal("0")) if clean else None
    sheet.revision += 1
    data = {"assignment": assignment.pk, "total": str(sheet.total)}
    if not submit:
        sheet.save()
        record_event(verb="sheet.saved", actor=user, target=assignment.application, data=data, request=request)
        return sheet
    sheet.submitted_at = timezone.now()
    sheet.reopened_reason = ""  # the reason stays in the audit log; a new reopening needs a new one
    perform(sheet, "submit", user=user, request=request, data=data)
    ranking_changed(assignment.call)
    return sheet


@transaction.atomic
def reopen_sheet(*, sheet: ScoreSheet, user, reason: str, request=None) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().select_related("assignment__call", "assignment__expert__user") \
        .get(pk=sheet.pk)
    call = sheet.assignment.call
    _organiser_of(user, call)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the sheet.")})
    sheet.reopened_reason = reason
    try:
        perform(sheet, "reopen", user=user, organization=call.organiser, request=request, notify=False,
                data={"sheet": sheet.pk, "reason": reason})
    except StepNotPossible as exc:
        raise ValidationError(_("Only a submitted sheet can be reopened.")) from exc
    ranking_changed(call)
    tell_in_words(sheet, "reopen", "expert", title=_("A score sheet was reopened"),
                  body=_("Reason: %(reason)s") % {"reason": reason},
                  link=reverse("review:task", args=[sheet.assignment_id]))
    return sheet


# --- stored ranking ------------------------------------------------------------------------------

def _ranking_queued_key(call_id: int) -> str:
    return f"ranking:queued:{call_id}"


def ranking_changed(call: Call) -> None:
    """Called inside the services that change what the ranking shows: mark the stored ranking stale
    and, once the transaction commits, queue one recomputation (debounced: the changes of the next
    ``RANKING_DEBOUNCE_SECONDS`` are taken by the same run)."""
    RankingSnapshot.objects.filter(call=call, stale_since__isnull=True).update(stale_since=timezone.now())
    transaction.on_commit(lambda: queue_ranking(call_id=call.pk))


def queue_ranking(*, call_id: int) -> bool:
    """Queue the recomputation unless one is already queued and not yet started."""
    from django.conf import settings
    from django.core.cache import cache

    from review.tasks import refresh_ranking_task

    delay = settings.RANKING_DEBOUNCE_SECONDS
    if not cache.add(_ranking_queued_key(call_id), 1, timeout=max(60, 6 * delay)):
        return False
    refresh_ranking_task.apply_async((call_id,), countdown=delay)
    return True


def refresh_ranking(*, call_id: int) -> RankingSnapshot:
    """Run by the Celery task (and by the page the first time a call is ranked): compute the whole
    ranking and store it. A change made while it runs leaves the snapshot stale and queues another run."""
    import time

    from django.core.cache import cache

    cache.delete(_ranking_queued_key(call_id))
    call = Call.objects.get(pk=call_id)
    started, clock = timezone.now(), time.monotonic()
    rows = expert_selectors.ranking(call)
    with transaction.atomic():
        snapshot = RankingSnapshot.objects.select_for_update().filter(call=call).first()
        if snapshot and snapshot.computed_at > started:  # a later run has already stored its result
            return snapshot
        if snapshot is None:
            snapshot = RankingSnapshot(call=call)
        else:
            RankingRow.objects.filter(snapshot=snapshot).delete()
        snapshot.computed_at = started
        snapshot.applications = len(rows)
        snapshot.sheets = sum(item["n"] for item in rows)
        still_stale = snapshot.stale_since is not None and snapshot.stale_since > started
        snapshot.stale_since = snapshot.stale_since if still_stale else None
        snapshot.seconds = time.monotonic() - clock
        snapshot.save()
        fields = ("rank", "n", "score", "mean", "median", "trimmed_mean", "sd", "lowest", "highest", "range",
                  "flagged")
        RankingRow.objects.bulk_create([
            RankingRow(snapshot=snapshot, application_id=item["application"].pk, position=position,
                       **{f: item[f] for f in fields})
            for position, item in enumerate(rows, start=1)], batch_size=2000)
    if still_stale:
        queue_ranking(call_id=call_id)
    return snapshot


def request_ranking_export(*, call: Call, fmt: str, user, again: bool = False, request=None) -> RankingExport:
    """Queue the ranking workbook or PDF of a call (again when ``again`` and the last one is ready)."""
    from portal.background import request_rendering
    from review.tasks import render_ranking_export

    _organiser_of(user, call)
    if fmt not in RankingExport.Format.values:
        raise ValidationError(_("Unknown format."))
    item = request_rendering(RankingExport, task=render_ranking_export, again=again,
                             defaults={"requested_by": user}, call=call, format=fmt)
    return item


def render_ranking_export(*, export_id: int) -> RankingExport:
    """Run by the Celery task: the workbook is written straight to a file, with progress."""
    from portal.background import run_rendering
    from review import exports

    def render(item, *, path, progress):
        if item.format == RankingExport.Format.XLSX:
            return exports.ranking_xlsx(item.call, progress=progress, path=path)
        progress(0.1)
        return exports.ranking_pdf(item.call)

    return run_rendering(RankingExport, export_id, render=render,
                         filename=lambda e: f"ranking-{e.call_id}.{e.format}", select_related=("call",))


# --- discussion ----------------------------------------------------------------------------------

@transaction.atomic
def post_to_discussion(*, application: Application, user, text: str, request=None) -> DiscussionPost:
    """A message in the application's thread, for its experts, panel and the organiser (audited)."""
    if not user.has_perm("review.discuss_application", application):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the message.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("A message may have at most 5000 characters.")})
    post = DiscussionPost.objects.create(application=application, author=user, text=text)
    record_event(verb="discussion.posted", actor=user, target=application, organization=application.call.organiser,
                 data={"post": post.pk}, request=request)
    return post
