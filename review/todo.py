"""待办 of the review's roles: to review, to send, to co-review, to concur, to check, to assign, to score."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import units
from applications.models import Application, Call
from applications.rules import is_organiser_of_call
from applications.selectors import calls_managed_by
from portal.home.todo import Todo, nearest
from portal.workflow import states_in_group
from review import selectors
from review.models import CandidateConcurrence, CandidateList, CoReview, Recommendation


def _count(states: dict[str, int], call: Call, group: str) -> int:
    """How many of the counted applications are in a state of the group."""
    return sum(states.get(state, 0) for state in call.states(group))


def unit_todos(user) -> list[Todo]:
    """The recommending unit: applications to review, and the list to send before the deadline."""
    todos = []
    for call in selectors.calls_reviewed_by(user):
        regions = units.unit_regions_of(user, call)
        states = dict(Application.objects.filter(units.park_region_filter(call, regions), call=call)
                      .values_list("state").annotate(n=Count("pk")))
        todos.append(Todo(_("Applications to review: %(call)s") % {"call": call.title},
                          _count(states, call, "awaiting_review"), reverse("review:inbox", args=[call.pk]),
                          call.recommend_deadline, key="to_review"))
        sent = Recommendation.objects.filter(call=call, region_id__in=regions,
                                             status=Recommendation.Status.SENT).exists()
        if not sent and call.recommend_deadline > timezone.now():
            todos.append(Todo(_("Recommendation to send: %(call)s") % {"call": call.title},
                              _count(states, call, "recommendable"),
                              reverse("review:recommendation", args=[call.pk]), call.recommend_deadline,
                              key="to_send"))
    return todos


def coreview_todos(user) -> list[Todo]:
    """The co-reviewing departments: applications without this department's opinion on their latest
    version; candidate lists awaiting this department's concurrence."""
    todos = []
    for call in selectors.calls_reviewed_by(user, coreview=True):
        if not call.co_review_required:
            continue
        regions = units.unit_regions_of(user, call, coreview=True)
        orgs = units.unit_organizations_of(user, call, coreview=True)
        waiting = Application.objects.filter(
            units.park_region_filter(call, regions), call=call, state__in=call.states("recommendable")).exclude(
            pk__in=CoReview.objects.filter(organization__in=orgs,
                                           version__number=F("version__application__latest_version_number"))
            .values("version__application_id"))
        todos.append(Todo(_("Applications to co-review: %(call)s") % {"call": call.title}, waiting.count(),
                          reverse("review:coreview-list", args=[call.pk]), call.recommend_deadline,
                          key="to_coreview"))
    from review.services import candidate_coreviewer_orgs

    for candidate_list in CandidateList.objects.filter(status=CandidateList.Status.PROPOSED).select_related("call"):
        orgs = candidate_coreviewer_orgs(user, candidate_list.call)
        if not orgs:
            continue
        given = CandidateConcurrence.objects.filter(candidate_list=candidate_list, organization__in=orgs).exists()
        todos.append(Todo(_("Candidate list to concur: %(call)s") % {"call": candidate_list.call.title},
                          0 if given else 1, reverse("review:candidates", args=[candidate_list.call_id]),
                          key="to_concur"))
    return todos


def organiser_todos(user) -> list[Todo]:
    """The organiser: recommended applications to check, checked ones to assign to experts."""
    todos = []
    for call in calls_managed_by(user):
        if call.status == Call.Status.DRAFT or not is_organiser_of_call(user, call):
            continue
        to_check = Application.objects.filter(call=call, state__in=call.states("awaiting_formal_check")).count()
        todos.append(Todo(_("Recommended applications to check: %(call)s") % {"call": call.title}, to_check,
                          reverse("review:formal", args=[call.pk]), key="to_check"))
        to_assign = Application.objects.filter(call=call, state__in=call.states("rankable")).annotate(
            n=Count("assignments")).filter(n__lt=call.experts_per_application).count()
        todos.append(Todo(_("Applications to assign to experts: %(call)s") % {"call": call.title}, to_assign,
                          reverse("review:assignments", args=[call.pk]), call.scoring_deadline, key="to_assign"))
    return todos


def expert_todos(user) -> list[Todo]:
    from review.selectors.experts import tasks_of

    submitted = states_in_group("score_sheet", "submitted")
    pending = [t for t in tasks_of(user) if t.sheet_status not in submitted]
    by_call: dict = {}
    for task in pending:
        by_call.setdefault(task.call, []).append(task)
    todos = []
    for call, tasks in by_call.items():
        url = reverse("review:task", args=[tasks[0].pk]) if len(tasks) == 1 else reverse("workspace-expert")
        todos.append(Todo(_("Dossiers to score: %(call)s") % {"call": call.title}, len(tasks), url,
                          nearest(t.deadline or call.scoring_deadline for t in tasks), key="to_score"))
    return todos


def unit_progress(call: Call) -> dict:
    """The organiser's view of the recommending units: per unit, submitted / reviewed / sent, and the
    units that have not reported (sent) yet."""
    rows = selectors.overview(call)
    field = units.unit_field(call)
    reviewed_states = call.states("reviewed")
    initial = call.workflow.flow("application").initial
    counts = {region: (submitted, reviewed) for region, submitted, reviewed in
              Application.objects.filter(call=call).exclude(state=initial).values(field).annotate(
                  submitted=Count("pk"), reviewed=Count("pk", filter=Q(state__in=reviewed_states)))
              .values_list(field, "submitted", "reviewed")}
    units_rows, missing = [], []
    for row in rows:
        submitted, reviewed = counts.get(row["region"].pk, (0, 0))
        sent = row["recommendation"] is not None and row["recommendation"].status == Recommendation.Status.SENT
        units_rows.append({"region": row["region"], "submitted": submitted, "reviewed": reviewed, "sent": sent,
                           "parks": row["recommendation"].parks if sent else 0})
        if not sent and submitted:
            missing.append(row["region"].name)
    return {"rows": [r for r in units_rows if r["submitted"] or r["sent"]], "missing": missing,
            "silent": [r["region"].name for r in units_rows if not r["submitted"] and not r["sent"]],
            "sent": sum(1 for r in units_rows if r["sent"]), "units": len(units_rows)}


def organiser_warnings(call: Call) -> list[str]:
    """What the organiser should know before acting on ``call``: applications still being accepted, and
    recommending units (where parks applied) that have not reported."""
    from portal.notifications.events import cn_day

    warnings = []
    if call.status == Call.Status.OPEN and call.park_deadline > timezone.now():
        warnings.append(_("The call is still open for applications (until %(date)s).")
                        % {"date": cn_day(call.park_deadline)})
    if call.recommend_deadline > timezone.now() or call.status == Call.Status.OPEN:
        missing = unit_progress(call)["missing"]
        if missing:
            warnings.append(_("%(n)s recommending unit(s) have not reported yet: %(units)s.")
                            % {"n": len(missing), "units": "、".join(missing)})
    return warnings
