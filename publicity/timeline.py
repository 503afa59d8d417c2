"""The state timeline of an application (申报进度), for its park: every step with its date, then the
next one. Built here, at the end of the data flow, because it spans the three apps."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from portal.notifications.events import cn_day
from portal.workflow import in_group
from publicity.models import DesignatedBase, Designation, Notice, NoticeItem
from review.models import CandidateItem, CandidateList, FormalCheck, PreliminaryReview, RecommendationItem


@dataclass
class Step:
    label: str
    when: date | datetime | None
    detail: str = ""
    outcome: str = ""  # "done", "refused" or "final"

    @property
    def day(self) -> str:
        return cn_day(self.when)


def _sort_key(step: Step):
    when = step.when
    if isinstance(when, datetime):
        return timezone.localtime(when).replace(tzinfo=None)
    # A step known only by its day (the notice, the document) comes after that day's other steps.
    return datetime.combine(when, datetime.max.time())


def timeline(application: Application) -> dict:
    """{"steps": [...], "next": text or "", "final": "designated" / "not_selected" / ""}."""
    call = application.call
    steps = [Step(_("Application started"), application.created_at, outcome="done")]
    for version in application.versions.order_by("number"):
        steps.append(Step(_("Version %(n)s submitted") % {"n": version.number}, version.submitted_at, outcome="done"))
    for review in PreliminaryReview.objects.filter(application=application).select_related("organization"):
        refused = review.decision != PreliminaryReview.Decision.APPROVE
        steps.append(Step(_("Preliminary review: %(decision)s") % {"decision": review.get_decision_display()},
                          review.decided_at, review.reasons, "refused" if refused else "done"))
    for item in RecommendationItem.objects.filter(application=application).select_related("recommendation") \
            .exclude(recommendation__sent_at=None):
        steps.append(Step(_("Recommended to the organiser"), item.recommendation.sent_at, outcome="done"))
    for check in FormalCheck.objects.filter(application=application):
        steps.append(Step(_("Formal check: %(decision)s") % {"decision": check.get_decision_display()},
                          check.decided_at, check.reason,
                          "done" if check.decision == FormalCheck.Decision.PASS else "refused"))
    first_assignment = application.assignments.order_by("assigned_at").first()
    if first_assignment:
        steps.append(Step(_("Expert review began"), first_assignment.assigned_at, outcome="done"))
    candidate = CandidateItem.objects.filter(application=application,
                                             candidate_list__status=CandidateList.Status.CONCURRED).first()
    if candidate:
        concurred = candidate.candidate_list.concurrences.order_by("-updated_at").first()
        steps.append(Step(_("On the candidate list"), concurred.updated_at if concurred else
                          candidate.candidate_list.proposed_at, outcome="done"))
    notice_item = NoticeItem.objects.filter(application=application).exclude(
        notice__status__in=[Notice.Status.DRAFT, Notice.Status.WITHDRAWN]).select_related("notice").first()
    if notice_item:
        notice = notice_item.notice
        steps.append(Step(_("On public notice"), notice.publication_date,
                          f"{cn_day(notice.publication_date)}至{cn_day(notice.window_end)}", "done"))
    base = DesignatedBase.objects.filter(application=application).select_related("designation").first()
    designation = Designation.objects.filter(call=call, status=Designation.Status.PUBLISHED).first()
    final = ""
    if base:
        steps.append(Step(_("Designated (已认定)"), base.designation.document_date if base.designation else None,
                          base.document_number, "final"))
        final = "designated"
    elif designation and in_group(application, "with_organiser"):
        reason = _("An objection was upheld.") if notice_item and notice_item.removed else \
            _("Not on the candidate list after the expert review.")
        steps.append(Step(_("Not selected (未入选)"), designation.document_date, reason, "refused"))
        final = "not_selected"
    # A step without a recorded moment keeps its place after the step before it.
    keys, last = [], datetime.min
    for step in steps:
        last = _sort_key(step) if step.when is not None else last
        keys.append(last)
    steps = [step for _key, _i, step in sorted(zip(keys, range(len(steps)), steps, strict=True))]
    return {"steps": steps, "next": "" if final else _next_step(application, candidate, notice_item), "final": final}


def _next_step(application: Application, candidate, notice_item) -> str:
    call = application.call
    state = application.state
    S = Application.State
    if state == S.DRAFT:
        return _("Complete every section and submit by %(date)s.") % {"date": cn_day(call.park_deadline)}
    if state == S.RETURNED:
        return _("Revise the dossier and submit it again by %(date)s.") % {"date": cn_day(call.park_deadline)}
    if state == S.SUBMITTED:
        return _("The city's commerce bureau reviews the dossier (recommendations are due by %(date)s).") % {
            "date": cn_day(call.recommend_deadline)}
    if state == S.APPROVED:
        return _("The co-reviewing departments give their opinion and the city sends its recommendation by "
                 "%(date)s.") % {"date": cn_day(call.recommend_deadline)}
    if state == S.REJECTED:
        return ""
    if state == S.RECOMMENDED:
        return _("The organiser checks the recommended dossier (formal check).")
    if notice_item:
        return _("After the notice period the organiser designates the bases by an official document.")
    if candidate:
        return _("The candidate list is published for %(n)s working days.") % {"n": call.publicity_days}
    return _("Experts score the dossier; the organiser then proposes the candidate list.")
