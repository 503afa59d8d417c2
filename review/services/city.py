"""Decisions of the preliminary review, co-review and recommendation: checked, atomic, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import units
from applications.models import Application, ApplicationVersion, Call
from applications.selectors import latest_version
from portal.accounts.models import Membership, Role
from portal.audit.services import record_event
from portal.notifications.events import cn_day
from portal.notifications.services import notify, notify_event
from portal.workflow import StepNotPossible, in_group, perform
from review import quota, selectors
from review.models import (
    CheckStatus,
    CoReview,
    FormalCheck,
    PreliminaryReview,
    Recommendation,
    RecommendationItem,
)
from review.services._common import tell_in_words


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _locked_application(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related(
        "call", "park__region").get(pk=application.pk)


# --- preliminary review --------------------------------------------------------------------------

def _check_checklist(call: Call, checklist: dict, decision: str) -> None:
    """The unit's checklist of the call's basic conditions (seed 000 附件1 三: the six 申报条件),
    required here whoever calls: every condition assessed, and none waived by an approval.

    The conditions are requirements; only the business thresholds admit "可适当降低条件"."""
    expected = [f"c{i}" for i in range(1, len(call.basic_conditions) + 1)]
    checklist = checklist if isinstance(checklist, dict) else {}
    errors = {}
    for key in expected:
        entry = checklist.get(key)
        if not isinstance(entry, dict) or entry.get("status") not in CheckStatus.values:
            errors[f"{key}_status"] = _("Assess this condition.")
        elif decision == PreliminaryReview.Decision.APPROVE and entry["status"] != CheckStatus.MET:
            errors[f"{key}_status"] = _(
                "A basic condition is a requirement: the application cannot pass the preliminary review "
                "while this condition is not met. Return it for clarification or do not recommend it.")
    unknown = set(checklist) - set(expected)
    if unknown or errors:
        errors.setdefault("__all__", []).append(_("Assess every basic condition."))
        raise ValidationError(errors, code="checklist")


DECISION_MOVES = {PreliminaryReview.Decision.RETURN: "return_for_revision",
                  PreliminaryReview.Decision.REJECT: "reject", PreliminaryReview.Decision.APPROVE: "approve"}


@transaction.atomic
def decide(*, application: Application, version_number: int, user, decision: str,
           checklist: dict, opinion: str = "", reasons: str = "", request=None) -> PreliminaryReview:
    """Return for revision, reject, or approve the latest submitted version."""
    application = _locked_application(application)
    _require(user, "review.review_application", application)
    if version_number != application.latest_version_number:
        raise ValidationError(
            _("This decision was made on version %(old)s, but the park has since submitted version "
              "%(new)s. Reload the page and review the latest version.")
            % {"old": version_number, "new": application.latest_version_number}, code="stale_version")
    formal_return = None
    if in_group(application, "recommendable") and decision != PreliminaryReview.Decision.APPROVE:
        # Returned at the formal check: the unit may send it back to the park for revision (the park
        # may then resubmit until the organiser's re-send deadline) or decide not to recommend it.
        formal_return = selectors.open_return_of(application)
    if not in_group(application, "awaiting_review") and formal_return is None:
        raise ValidationError(_("A decision has already been taken on this version (%(state)s).")
                              % {"state": application.get_state_display()}, code="decided")
    reasons = (reasons or "").strip()
    if decision in (PreliminaryReview.Decision.RETURN, PreliminaryReview.Decision.REJECT) and not reasons:
        raise ValidationError({"reasons": _("Give the reasons; the park will read them.")})
    _check_checklist(application.call, checklist, decision)
    version = ApplicationVersion.objects.get(application=application, number=version_number)
    organization = units.unit_organizations_of(user, application.call)[0]
    review = PreliminaryReview.objects.create(
        application=application, version=version, reviewer=user, organization=organization,
        checklist=checklist, opinion=opinion.strip(), decision=decision, reasons=reasons)
    if formal_return is not None and decision == PreliminaryReview.Decision.RETURN:
        application.revision_deadline = formal_return.resend_deadline
    # The park is told; on approval also the co-reviewers, when the call requires co-review.
    perform(application, DECISION_MOVES[decision], user=user, organization=organization, request=request,
            data={"version": version_number, "reasons": reasons},
            context={"call": application.call.title, "park": application.park.name, "unit": organization.name,
                     "version": version_number, "reason": reasons, "decision": review.get_decision_display(),
                     "deadline": cn_day(application.call.recommend_deadline)},
            link={"park": reverse("applications:detail", args=[application.pk]),
                  "coreviewers": reverse("review:coreview-list", args=[application.call_id])})
    return review


# --- co-review -----------------------------------------------------------------------------------

def _recommendation_locked(application: Application) -> bool:
    return RecommendationItem.objects.filter(application=application,
                                             recommendation__status=Recommendation.Status.SENT).exists()


@transaction.atomic
def co_review(*, application: Application, user, stance: str, opinion: str, request=None) -> CoReview:
    application = _locked_application(application)
    _require(user, "review.coreview_application", application)
    if not in_group(application, "coreviewable"):
        raise ValidationError(_("Only applications that passed the preliminary review are co-reviewed."))
    if _recommendation_locked(application):
        raise ValidationError(_("The recommendation has been sent; opinions can no longer change."))
    if stance not in CoReview.Stance.values:
        raise ValidationError({"stance": _("Choose concur or object.")})
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("Write your department's opinion.")})
    organization = units.unit_organizations_of(user, application.call, coreview=True)[0]
    version = latest_version(application)
    item, _created = CoReview.objects.update_or_create(
        version=version, organization=organization,
        defaults={"application": application, "reviewer": user, "stance": stance, "opinion": opinion})
    record_event(verb=f"coreview.{stance}", actor=user, target=application, organization=organization,
                 data={"version": version.number, "opinion": opinion}, request=request)
    region_id = units.unit_region_id(application.call, application.park)
    notify_event(event="coreview.given", call=application.call,
                 recipients=[m.user for m in units.unit_members(application.call, [region_id])],
                 context={"call": application.call.title, "park": application.park.name, "unit": organization.name,
                          "version": version.number, "decision": item.get_stance_display(), "reason": opinion},
                 link=reverse("review:review", args=[application.pk]))
    return item


# --- recommendation ------------------------------------------------------------------------------

def _unit_organization(user, call):
    orgs = units.unit_organizations_of(user, call)
    if not orgs:
        raise PermissionDenied
    return orgs[0]


def check_quota(call: Call, applications: list[Application]) -> None:
    """At most the call's quota per unit (city call) or per pilot place (national call)."""
    quota.check_quota(call, applications)


def _lock_unit(call: Call, region_id: int) -> Recommendation | None:
    """Lock the unit's recommendation row: every change that can add to the unit's count of parks
    recommended or beyond takes this lock first, so the quota holds under concurrent requests."""
    return Recommendation.objects.select_for_update().filter(call=call, region_id=region_id).first()


@transaction.atomic
def save_recommendation(*, call: Call, user, application_ids: list[int], request=None) -> Recommendation:
    """Store the unit's ordered list (rank 1..n). Refused once sent, or above the quota."""
    organization = _unit_organization(user, call)
    region_id = organization.region_id
    recommendation, _created = Recommendation.objects.select_for_update().get_or_create(
        call=call, region_id=region_id, defaults={"organization": organization})
    _require(user, "review.prepare_recommendation", recommendation)
    if recommendation.is_locked:
        raise ValidationError(_("The recommendation has been sent and is locked. Only the organiser can "
                                "return it."), code="locked")
    if len(set(application_ids)) != len(application_ids):
        raise ValidationError(_("A park appears twice in the list."))
    approved = {a.pk: a for a in selectors.approved_applications(call, region_id)}
    unknown = [pk for pk in application_ids if pk not in approved]
    if unknown:
        raise ValidationError(_("Only applications of your unit that passed the preliminary review can be "
                                "recommended."))
    chosen = [approved[pk] for pk in application_ids]
    quota.check_unit_quota(call, region_id, chosen)
    recommendation.items.all().delete()
    RecommendationItem.objects.bulk_create([
        RecommendationItem(recommendation=recommendation, application=a, rank=rank,
                           version=latest_version(a))
        for rank, a in enumerate(chosen, start=1)
    ])
    record_event(verb="recommendation.saved", actor=user, target=recommendation, organization=organization,
                 data={"applications": application_ids}, request=request)
    return recommendation


def co_review_gaps(recommendation: Recommendation) -> list[str]:
    """Parks on the list without the concurrence of both departments on the version listed."""
    call = recommendation.call
    if not call.co_review_required:
        return []
    kinds = units.unit_roles(call).coreviewer_kinds
    return [item.application.park.name
            for item in recommendation.items.select_related("application__park", "version")
            if not _concurred_by_both(kinds, item.version)]


def _concurred_by_both(kinds, version: ApplicationVersion) -> bool:
    concurred = set(CoReview.objects.filter(version=version, stance=CoReview.Stance.CONCUR,
                                            organization__kind__in=kinds)
                    .values_list("organization__kind", flat=True))
    return not set(kinds) - concurred


@transaction.atomic
def send_recommendation(*, call: Call, user, letter_number: str, request=None) -> Recommendation:
    organization = _unit_organization(user, call)
    recommendation = Recommendation.objects.select_for_update().filter(
        call=call, region_id=organization.region_id).first()
    if recommendation is None or not recommendation.items.exists():
        raise ValidationError(_("Save a list with at least one park before sending."), code="empty")
    _require(user, "review.prepare_recommendation", recommendation)
    if recommendation.status == Recommendation.Status.SENT:
        raise ValidationError(_("The recommendation has already been sent."), code="already_sent")
    if timezone.now() > call.recommend_deadline:
        deadline = timezone.localtime(call.recommend_deadline)
        raise ValidationError(
            _("The deadline for recommendations (%(deadline)s) has passed.")
            % {"deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日 {deadline:%H:%M}"},
            code="deadline")
    letter_number = (letter_number or "").strip()
    if not letter_number:
        raise ValidationError({"letter_number": _("Enter the letter's document number (文号).")})
    gaps = co_review_gaps(recommendation)
    if gaps:
        raise ValidationError(
            _("Both co-reviewing departments must concur on every recommended park first. Missing for: "
              "%(parks)s.") % {"parks": "、".join(gaps)}, code="co_review")
    listed = [_locked_application(item.application) for item in recommendation.items.all()]
    stale = [a.park.name for a in listed if not in_group(a, "recommendable")]
    if stale:
        raise ValidationError(
            _("These parks are no longer awaiting recommendation: %(parks)s. Save the list again.")
            % {"parks": "、".join(stale)}, code="stale_list")
    quota.check_unit_quota(call, recommendation.region_id, listed)
    recommendation.letter_number = letter_number
    recommendation.sent_at = timezone.now()
    recommendation.sent_by = user
    recommendation.organization = organization
    # The letter records and tells (the organiser) for every application it recommends.
    perform(recommendation, "send", user=user, organization=organization, request=request,
            data={"letter_number": letter_number,
                  "applications": list(recommendation.items.values_list("application_id", flat=True))},
            context={"unit": organization.name, "count": len(listed), "call": call.title},
            link=reverse("review:overview", args=[call.pk]))
    for application in listed:
        perform(application, "recommend", user=user, audit=False, notify=False)
    from review.tasks import render_recommendation_letter

    transaction.on_commit(lambda: render_recommendation_letter.delay(recommendation.pk))
    return recommendation


def _cn_datetime(value) -> str:
    value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


@transaction.atomic
def resend_after_return(*, formal_return: FormalCheck, user, application_id: int, letter_number: str,
                        request=None) -> RecommendationItem:
    """Answer a return of the formal check: re-send the returned application (revised or not) or a
    replacement of the same unit, until the deadline the organiser set with the return (which may
    be after the call's recommendation deadline). The quota is checked against every park of the
    unit that is recommended or beyond, under the unit's lock."""
    call = formal_return.application.call
    organization = _unit_organization(user, call)
    region_id = organization.region_id
    recommendation = _lock_unit(call, region_id)
    if recommendation is None:
        raise PermissionDenied
    _require(user, "review.prepare_recommendation", recommendation)
    formal_return = FormalCheck.objects.select_for_update(of=("self",)).select_related(
        "application__park__region").get(
        pk=formal_return.pk)
    if units.unit_region_id(call, formal_return.application.park) != region_id:
        raise PermissionDenied
    if not formal_return.is_open_return:
        raise ValidationError(_("This return has already been answered."), code="answered")
    if recommendation.status != Recommendation.Status.SENT:
        raise ValidationError(_("The organiser returned the whole list: send the list again instead."),
                              code="list_returned")
    if formal_return.resend_deadline and timezone.now() > formal_return.resend_deadline:
        raise ValidationError(
            _("The deadline the organiser set for re-sending (%(deadline)s) has passed.")
            % {"deadline": _cn_datetime(formal_return.resend_deadline)}, code="deadline")
    letter_number = (letter_number or "").strip()
    if not letter_number:
        raise ValidationError({"letter_number": _("Enter the letter's document number (文号).")})
    candidates = {a.pk: a for a in selectors.approved_applications(call, region_id)}
    if application_id not in candidates or not in_group(candidates[application_id], "recommendable"):
        raise ValidationError({"application": _(
            "Choose an application of your unit that passed the preliminary review and is not "
            "recommended.")})
    application = _locked_application(candidates[application_id])
    version = latest_version(application)
    if call.co_review_required and not _concurred_by_both(units.unit_roles(call).coreviewer_kinds, version):
        raise ValidationError(
            _("Both co-reviewing departments must concur on every recommended park first. Missing for: "
              "%(parks)s.") % {"parks": application.park.name}, code="co_review")
    quota.check_unit_quota(call, region_id, [application])
    perform(application, "recommend", user=user, audit=False, notify=False)  # recorded as the letter's re-send
    last_rank = recommendation.items.order_by("-rank").values_list("rank", flat=True).first() or 0
    item = RecommendationItem.objects.create(recommendation=recommendation, application=application,
                                             version=version, rank=last_rank + 1)
    formal_return.resolved_at = timezone.now()
    formal_return.resent_application = application
    formal_return.resend_letter_number = letter_number
    formal_return.save(update_fields=["resolved_at", "resent_application", "resend_letter_number"])
    perform(recommendation, "resend", user=user, organization=organization, request=request, save=False,
            audit_target=application, notify=False,
            data={"formal_check": formal_return.pk, "returned": formal_return.application_id,
                  "letter_number": letter_number, "version": version.number})
    tell_in_words(recommendation, "resend", "organiser",
                  title=_("%(unit)s re-sent a recommendation") % {"unit": organization.name},
                  body=_("%(park)s is recommended in place of the application returned at the formal check "
                         "(letter %(number)s).") % {"park": application.park.name, "number": letter_number},
                  link=reverse("review:formal", args=[call.pk]))
    return item


@transaction.atomic
def return_recommendation(*, recommendation: Recommendation, user, reason: str,
                          request=None) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    _require(user, "review.return_recommendation", recommendation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the list.")})
    recommendation.return_reason = reason
    try:  # the unit's reviewers are told
        perform(recommendation, "return_to_unit", user=user, organization=recommendation.call.organiser,
                request=request, data={"reason": reason},
                context={"call": recommendation.call.title, "reason": reason},
                link=reverse("review:recommendation", args=[recommendation.call_id]))
    except StepNotPossible as exc:
        raise ValidationError(_("Only a sent recommendation can be returned.")) from exc
    for item in recommendation.items.select_related("application"):
        perform(_locked_application(item.application), "withdraw_recommendation", user=user, audit=False,
                notify=False)  # recorded and told with the whole list
    # Single returns of the formal check are absorbed: the unit sends its whole list again.
    selectors.open_returns(recommendation.call, recommendation.region_id).update(resolved_at=timezone.now())
    return recommendation


def store_letters(*, recommendation_id: int) -> Recommendation:
    """Run by the Celery task: the joint letter as PDF and Word."""
    from django.core.files.base import ContentFile

    from review import letters

    recommendation = Recommendation.objects.select_related("call__organiser", "organization", "region") \
        .get(pk=recommendation_id)
    base = f"recommendation-{recommendation.call_id}-{recommendation.region.code}"
    recommendation.letter_pdf.save(f"{base}.pdf", ContentFile(letters.render_pdf(recommendation)), save=False)
    recommendation.letter_docx.save(f"{base}.docx", ContentFile(letters.render_docx(recommendation)),
                                    save=False)
    Recommendation.objects.filter(pk=recommendation.pk).update(
        letter_pdf=recommendation.letter_pdf.name, letter_docx=recommendation.letter_docx.name)
    return recommendation


def remind_units(*, today=None) -> int:
    """Beat task: remind units that have not sent, three and one working days before the deadline."""
    from portal.workdays import UnknownYear, unknown_year_message, workdays_between

    today = today or timezone.localdate()
    sent = 0
    for call in Call.objects.exclude(status=Call.Status.DRAFT).filter(recommend_deadline__gt=timezone.now()):
        deadline = timezone.localtime(call.recommend_deadline).date()
        try:
            left = workdays_between(today, deadline)
        except UnknownYear as exc:
            officers = Membership.objects.filter(organization=call.organiser, role=Role.PROVINCIAL_OFFICER)
            notify(recipients=[m.user for m in officers.select_related("user")],
                   title=_("Working-day calendar missing for %(year)s") % {"year": exc.year},
                   body=unknown_year_message(exc.year))
            continue
        if left not in (3, 1):
            continue
        done = set(Recommendation.objects.filter(call=call, status=Recommendation.Status.SENT)
                   .values_list("region_id", flat=True))
        pending = [r.pk for r in selectors.unit_regions_for_call(call) if r.pk not in done]
        recipients = [m.user for m in selectors.unit_reviewers(call, pending)]
        notify_event(event="recommendation.reminder", call=call, recipients=recipients,
                     context={"call": call.title, "days": left, "deadline": cn_day(deadline)},
                     link=reverse("review:recommendation", args=[call.pk]))
        sent += len(recipients)
        sent += _remind_coreviewers(call, pending, left, deadline)
    return sent + remind_candidate_concurrence(today=today)


def remind_candidate_concurrence(*, today=None) -> int:
    """Co-issuing departments that have not given their opinion on a proposed candidate list, two and four
    working days after it was proposed (the same daily beat task as the units' reminders)."""
    from portal.workdays import UnknownYear, workdays_between
    from review.models import CandidateConcurrence, CandidateList

    today = today or timezone.localdate()
    sent = 0
    for candidate_list in CandidateList.objects.filter(status=CandidateList.Status.PROPOSED,
                                                       proposed_at__isnull=False).select_related("call"):
        proposed = timezone.localtime(candidate_list.proposed_at).date()
        try:
            waited = workdays_between(proposed, today)
        except UnknownYear:
            continue
        if waited not in (2, 4):
            continue
        call = candidate_list.call
        given = set(CandidateConcurrence.objects.filter(candidate_list=candidate_list)
                    .values_list("organization_id", flat=True))
        members = Membership.objects.filter(role=Role.PROVINCIAL_COREVIEWER, is_active=True, user__is_active=True,
                                            organization__in=call.co_issuers.all()).select_related("user")
        recipients = [m.user for m in members if m.organization_id not in given]
        notify_event(event="candidates.reminder", call=call, recipients=recipients,
                     context={"call": call.title, "deadline": cn_day(candidate_list.proposed_at)},
                     link=reverse("review:candidates", args=[call.pk]))
        sent += len(recipients)
    return sent


def _remind_coreviewers(call: Call, region_ids: list[int], left: int, deadline) -> int:
    """Co-reviewers (city or province) whose department has not given its opinion on an application
    that passed the preliminary review of a unit that has not sent its list yet."""
    if not call.co_review_required:
        return 0
    waiting = Application.objects.filter(
        units.park_region_filter(call, region_ids), call=call, state__in=call.states("recommendable"),
    ).select_related("park__region")
    given = set(CoReview.objects.filter(
        version__application__in=waiting, version__number=F("version__application__latest_version_number"))
        .values_list("version__application_id", "organization_id"))
    pending_by_user: dict = {}
    for application in waiting:
        region_id = units.unit_region_id(call, application.park)
        for membership in units.unit_members(call, [region_id], coreview=True):
            if (application.pk, membership.organization_id) not in given:
                pending_by_user.setdefault(membership.user, set()).add(application.pk)
    for user, applications in pending_by_user.items():
        notify_event(event="coreview.reminder", call=call, recipients=[user],
                     context={"call": call.title, "days": left, "deadline": cn_day(deadline),
                              "count": len(applications)},
                     link=reverse("review:coreview-list", args=[call.pk]))
    return len(pending_by_user)
