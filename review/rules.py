"""Who may review, co-review, recommend and oversee."""

import rules

from applications import units
from applications.rules import is_organiser_of_call


@rules.predicate
def is_unit_reviewer(user, application) -> bool:
    return application is not None and units.is_unit_reviewer(user, application)


@rules.predicate
def is_unit_coreviewer(user, application) -> bool:
    return application is not None and units.is_unit_coreviewer(user, application)


@rules.predicate
def reviews_for_call(user, call) -> bool:
    return call is not None and bool(units.unit_regions_of(user, call))


@rules.predicate
def coreviews_for_call(user, call) -> bool:
    return call is not None and bool(units.unit_regions_of(user, call, coreview=True))


@rules.predicate
def is_recommendation_unit(user, recommendation) -> bool:
    return recommendation is not None and recommendation.region_id in units.unit_regions_of(
        user, recommendation.call)


@rules.predicate
def is_recommendation_organiser(user, recommendation) -> bool:
    return recommendation is not None and is_organiser_of_call(user, recommendation.call)


rules.add_perm("review.review_application", is_unit_reviewer)
rules.add_perm("review.coreview_application", is_unit_coreviewer)
rules.add_perm("review.view_inbox", reviews_for_call)
rules.add_perm("review.view_coreview_list", coreviews_for_call)
rules.add_perm("review.prepare_recommendation", is_recommendation_unit)
rules.add_perm("review.view_recommendation", is_recommendation_unit | is_recommendation_organiser)
rules.add_perm("review.return_recommendation", is_recommendation_organiser)
rules.add_perm("review.view_overview", is_organiser_of_call)


@rules.predicate
def is_task_owner(user, assignment) -> bool:
    return assignment is not None and assignment.expert.user_id == user.pk


@rules.predicate
def leads_a_panel_of(user, call) -> bool:
    return call is not None and call.panels.filter(leader__user=user).exists()


@rules.predicate
def stands_in_for_a_conflicted_leader(user, call) -> bool:
    """A member of a panel whose leader has a confirmed conflict for an application of the call."""
    from review.models import Conflict

    if call is None:
        return False
    leaders = call.panels.filter(members__user=user).exclude(leader__user=user).values("leader_id")
    return Conflict.objects.filter(application__call=call, status=Conflict.Status.CONFIRMED,
                                   expert_id__in=leaders).exists()


@rules.predicate
def concurs_on_candidates(user, call) -> bool:
    from review.services import candidate_coreviewer_orgs

    return call is not None and bool(candidate_coreviewer_orgs(user, call))


rules.add_perm("review.organise_expert_review", is_organiser_of_call)
rules.add_perm("review.work_on_task", is_task_owner)
rules.add_perm("review.record_panel_opinion",
               leads_a_panel_of | stands_in_for_a_conflicted_leader | is_organiser_of_call)
rules.add_perm("review.view_candidates", is_organiser_of_call | concurs_on_candidates)
rules.add_perm("review.concur_candidates", concurs_on_candidates)


@rules.predicate
def is_organiser_of_application(user, application) -> bool:
    return application is not None and is_organiser_of_call(user, application.call)


@rules.predicate
def is_panel_expert_of(user, application) -> bool:
    """An expert assigned to the application, or a member or leader of a panel of its call, without a
    conflict of interest with it."""
    from review.models import Assignment, Conflict, Panel

    if application is None or not user.is_authenticated:
        return False
    if Conflict.objects.filter(application=application, expert__user=user).exclude(
            status=Conflict.Status.DISMISSED).exists():
        return False
    if Assignment.objects.filter(application=application, expert__user=user).exists():
        return True
    from django.db.models import Q

    return Panel.objects.filter(call_id=application.call_id).filter(
        Q(leader__user=user) | Q(members__user=user)).exists()


@rules.predicate
def owns_sheet(user, sheet) -> bool:
    return sheet is not None and is_task_owner(user, sheet.assignment)


@rules.predicate
def organises_call_of(user, obj) -> bool:
    """The organiser of the call of a score sheet's application or of a candidate list."""
    if obj is None:
        return False
    call = obj.application.call if hasattr(obj, "application") else obj.call
    return is_organiser_of_call(user, call)


@rules.predicate
def concurs_on_candidate_list(user, candidate_list) -> bool:
    return candidate_list is not None and concurs_on_candidates(user, candidate_list.call)


@rules.predicate
def declares_own_conflict(user, conflict) -> bool:
    """The expert named by a conflict of interest, declaring it."""
    return conflict is not None and conflict.expert.user_id == user.pk


rules.add_perm("review.work_on_sheet", owns_sheet)
rules.add_perm("review.reopen_sheet", organises_call_of)
rules.add_perm("review.manage_candidate_list", organises_call_of)
rules.add_perm("review.concur_candidate_list", organises_call_of | concurs_on_candidate_list)
rules.add_perm("review.decide_conflict", organises_call_of)
rules.add_perm("review.declare_conflict", declares_own_conflict)

# The organiser's decisions on one application: the formal check, taking a recommendation back.
rules.add_perm("review.check_application", is_organiser_of_application)
rules.add_perm("review.discuss_application", is_organiser_of_application | is_panel_expert_of)
