"""Panel opinions and the candidate list: proposal, concurrence (会同) and withdrawal."""



from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Call
from applications.selectors import park_memberships_for_application
from portal.accounts.models import Membership, Organization, Role
from portal.accounts.selectors import memberships_of
from portal.audit.services import record_event
from portal.documents import cn_date
from portal.notifications.services import notify, notify_event
from portal.workflow import perform
from review.models import (
    Assignment,
    CandidateConcurrence,
    CandidateItem,
    CandidateList,
    Conflict,
    Panel,
    PanelOpinion,
    ScoreSheet,
)
from review.selectors import experts as expert_selectors
from review.services._common import _organiser_of

# --- panel opinion and candidates ----------------------------------------------------------------

def conflicted_experts(application: Application) -> set[int]:
    """Users of the experts with a confirmed or declared conflict of interest for the application."""
    return set(Conflict.objects.filter(application=application, status=Conflict.Status.CONFIRMED)
               .values_list("expert__user_id", flat=True))


def may_write_panel_opinion(user, *, application: Application, panel: Panel) -> bool:
    """The panel leader writes the opinion; when the leader has a conflict for this application, another
    member without one does; the organiser always may. A member with a conflict never does."""
    if panel.call_id != application.call_id:
        return False
    if user.has_perm("applications.manage_call", application.call):
        return True
    conflicted = conflicted_experts(application)
    if user.pk in conflicted:
        return False
    if panel.leader is not None and panel.leader.user_id == user.pk:
        return True
    leader_conflicted = panel.leader is None or panel.leader.user_id in conflicted
    return leader_conflicted and panel.members.filter(user=user).exists()


def record_panel_opinion(*, application: Application, panel: Panel, user, text: str, request=None) -> PanelOpinion:
    if panel is None or not may_write_panel_opinion(user, application=application, panel=panel):
        conflicted = panel is not None and user.pk in conflicted_experts(application)
        if conflicted:
            from portal.audit.services import refuse

            refuse(verb="panel.opinion_refused", actor=user, target=application, request=request,
                   organization=application.call.organiser, data={"panel": panel.pk, "why": "conflict"},
                   message=_("You have a conflict of interest for this application; another panel member "
                             "or the organiser writes the panel opinion."))
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the panel's opinion.")})
    with transaction.atomic():
        opinion, _new = PanelOpinion.objects.update_or_create(application=application, panel=panel,
                                                          defaults={"author": user, "text": text})
        record_event(verb="panel.opinion", actor=user, target=application, data={"panel": panel.pk},
                     request=request)
    return opinion


def candidate_count_warning(call: Call, n: int) -> str:
    """Seed 001 四(二): "提出候选名单（10个左右）": a list outside 80–120% of the number stated needs the
    organiser's acknowledgement. Empty when the size is within it or the call states no number."""
    bounds = call.candidates_range
    if bounds is None or bounds[0] <= n <= bounds[1]:
        return ""
    return _("The notice states about %(about)s candidates (%(low)s to %(high)s without a warning); the list has "
             "%(n)s. Acknowledge the number to propose it.") % {
        "about": call.candidates_about, "low": bounds[0], "high": bounds[1], "n": n}


def missing_sheets(call: Call, application_ids: list[int]) -> dict[int, list[str]]:
    """Per application: the score sheets the call requires (``experts_per_application``) that are not
    submitted, named by expert, and those never assigned."""
    wanted = call.experts_per_application
    named: dict[int, list[str]] = {pk: [] for pk in application_ids}
    submitted: dict[int, int] = dict.fromkeys(application_ids, 0)
    for assignment in Assignment.objects.filter(call=call, application_id__in=application_ids).select_related(
            "expert__user", "sheet"):
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.status == ScoreSheet.Status.SUBMITTED:
            submitted[assignment.application_id] += 1
        else:
            named[assignment.application_id].append(assignment.expert.user.display_name)
    result = {}
    for pk in application_ids:
        unassigned = wanted - submitted[pk] - len(named[pk])
        missing = named[pk] + ([_("%(n)s sheet(s) never assigned") % {"n": unassigned}] if unassigned > 0 else [])
        if submitted[pk] < wanted:
            result[pk] = missing
    return result


@transaction.atomic
def propose_candidates(*, call: Call, user, application_ids: list[int], note: str = "",
                       acknowledge_count: bool = False, missing_sheets_reason: str = "",
                       request=None) -> CandidateList:
    """Propose the candidate list. Refused above or below "about N" unless acknowledged, and for a
    candidate missing some of the call's sheets unless the organiser records why (both audited)."""
    _organiser_of(user, call)
    candidate_list, _new = CandidateList.objects.select_for_update().get_or_create(call=call)
    if candidate_list.status != CandidateList.Status.DRAFT:
        raise ValidationError(_("The candidate list has been proposed already."), code="proposed")
    ranked = {item["application"].pk: item for item in expert_selectors.ranking(call)}
    if not application_ids:
        raise ValidationError(_("Choose at least one candidate."))
    unknown = [pk for pk in application_ids if pk not in ranked or not ranked[pk]["n"]]
    if unknown:
        raise ValidationError(_("Only applications with submitted score sheets can be candidates."))
    warning = candidate_count_warning(call, len(application_ids))
    if warning and not acknowledge_count:
        raise ValidationError(warning, code="count_warning")
    missing = missing_sheets(call, application_ids)
    missing_sheets_reason = (missing_sheets_reason or "").strip()
    if missing and not missing_sheets_reason:
        names = "；".join(f"{ranked[pk]['application'].park.name}：{'、'.join(who)}" for pk, who in missing.items())
        raise ValidationError(
            _("Every candidate needs the call's %(n)s submitted score sheets. Missing: %(missing)s. Record the "
              "decision to propose them anyway, with its reason.") % {"n": call.experts_per_application,
                                                                     "missing": names},
            code="missing_sheets")
    candidate_list.items.all().delete()
    CandidateItem.objects.bulk_create([
        CandidateItem(candidate_list=candidate_list, application_id=pk, rank=i, score=ranked[pk]["score"],
                      missing_sheets=missing.get(pk, []))
        for i, pk in enumerate(application_ids, start=1)])
    candidate_list.proposed_by = user
    candidate_list.proposed_at = timezone.now()
    candidate_list.note = note
    candidate_list.count_acknowledged = bool(warning)
    candidate_list.missing_sheets_reason = missing_sheets_reason if missing else ""
    alone = not call.co_issuers.exists()  # a call issued by the organiser alone (no 会同): nobody else concurs
    perform(candidate_list, "propose", user=user, organization=call.organiser, request=request, notify=not alone,
            data={"applications": application_ids, **({"count_acknowledged": warning} if warning else {})},
            context={"call": call.title, "count": len(application_ids)},
            link=reverse("review:candidates", args=[call.pk]))
    if missing:
        record_event(verb="candidates.missing_sheets_accepted", actor=user, target=call,
                     organization=call.organiser, request=request,
                     data={"missing": {str(pk): who for pk, who in missing.items()},
                           "reason": missing_sheets_reason})
    if alone:
        perform(candidate_list, "mark_concurred", user=user, notify=False)
    return candidate_list


def co_issuer_users(call: Call) -> list:
    """The co-reviewers of the call's named co-issuing departments (会同单位), and only them."""
    return [m.user for m in Membership.objects.filter(
        role=Role.PROVINCIAL_COREVIEWER, is_active=True, organization__in=call.co_issuers.all(),
        user__is_active=True).select_related("user")]


def candidate_coreviewer_orgs(user, call: Call) -> list[Organization]:
    """The co-issuing departments of ``call`` in which ``user`` is a co-reviewer (DOMAIN.md §2a: 会同 means
    the named departments; another ministry is not one of them)."""
    if not user.is_authenticated:
        return []
    co_issuers = set(call.co_issuers.values_list("pk", flat=True))
    return [m.organization for m in memberships_of(user)
            if m.role == Role.PROVINCIAL_COREVIEWER and m.organization_id in co_issuers]


def missing_concurrences(candidate_list: CandidateList) -> list[Organization]:
    """The co-issuers that have not concurred (yet) with the proposed list."""
    concurred = set(candidate_list.concurrences.filter(stance=CandidateConcurrence.Stance.CONCUR)
                    .values_list("organization_id", flat=True))
    return [org for org in candidate_list.call.co_issuers.order_by("name") if org.pk not in concurred]


@transaction.atomic
def concur_candidates(*, call: Call, user, stance: str, opinion: str, request=None) -> CandidateList:
    candidate_list = CandidateList.objects.select_for_update().get(call=call)
    orgs = candidate_coreviewer_orgs(user, call)
    if not orgs:
        raise PermissionDenied
    if candidate_list.status != CandidateList.Status.PROPOSED:
        raise ValidationError(_("The candidate list is not awaiting concurrence."))
    if stance not in CandidateConcurrence.Stance.values:
        raise ValidationError({"stance": _("Choose concur or object.")})
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("Write your department's opinion.")})
    CandidateConcurrence.objects.update_or_create(
        candidate_list=candidate_list, organization=orgs[0],
        defaults={"reviewer": user, "stance": stance, "opinion": opinion})
    # The department's opinion on the list (not a move of it: the list moves once every opinion is in).
    record_event(verb=f"candidates.{stance}", actor=user, target=call, organization=orgs[0],
                 data={"opinion": opinion}, request=request)
    # Concurred once each named co-issuer concurs: all of them, and no other department counts.
    if not missing_concurrences(candidate_list):
        perform(candidate_list, "mark_concurred", user=user, organization=orgs[0], request=request,
                context={"call": call.title}, link=reverse("review:candidates", args=[call.pk]))
        # Each park on the list, in words of its own.
        for item in candidate_list.items.select_related("application__park"):
            notify_event(event="candidates.listed", call=call,
                         recipients=[m.user for m in park_memberships_for_application(item.application)],
                         context={"call": call.title, "park": item.application.park.name},
                         link=reverse("applications:detail", args=[item.application_id]))
    return candidate_list


@transaction.atomic
def withdraw_candidates(*, call: Call, user, request=None) -> CandidateList:
    _organiser_of(user, call)
    candidate_list = CandidateList.objects.select_for_update().get(call=call)
    perform(candidate_list, "withdraw", user=user, organization=call.organiser, request=request)
    candidate_list.concurrences.all().delete()
    return candidate_list


def remind_experts(*, today=None) -> int:
    """Beat task: experts with unsubmitted sheets, two working days and one working day before the
    scoring deadline."""
    from portal.workdays import UnknownYear, workdays_between

    today = today or timezone.localdate()
    sent = 0
    for call in Call.objects.filter(scoring_deadline__gt=timezone.now()):
        deadline = timezone.localtime(call.scoring_deadline).date()
        try:
            left = workdays_between(today, deadline)
        except UnknownYear:
            continue  # the officers are told by the recommendation reminders of the same call
        if left not in (2, 1):
            continue
        pending = Assignment.objects.filter(call=call).exclude(sheet__status=ScoreSheet.Status.SUBMITTED) \
            .select_related("expert__user")
        by_user: dict = {}
        for assignment in pending:
            by_user.setdefault(assignment.expert.user, []).append(assignment)
        for user, items in by_user.items():
            notify(recipients=[user],
                   title=_("%(n)s working day(s) left to submit %(k)s score sheet(s)") % {"n": left, "k": len(items)},
                   body=_("Call: %(call)s. Deadline: %(date)s.") % {"call": call.title, "date": cn_date(deadline)},
                   link=reverse("workspace-expert"))
            Assignment.objects.filter(pk__in=[a.pk for a in items]).update(reminded_at=timezone.now())
            sent += 1
    return sent
