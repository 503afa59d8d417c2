"""The review chain of the bases programme is performed by the engine: what each service records and whom it
tells are the definition's (workflows/bases.py). A throw-away change of one transition in a registered copy of
the definition changes what the service does; a refused step changes, records and tells nothing."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import Application, Call
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from portal.workflow import StepNotPossible, get_workflow, register, registry
from review import services
from review.models import Assignment, CandidateList, Conflict, ExpertProfile, FormalCheck, Recommendation, ScoreSheet
from tests.applications.conftest import calls, fill_completely, gd_call  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db
CHECKLIST = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)}


@pytest.fixture
def bases_with():
    """Put in place of the bases definition a copy in which one transition is changed (``verb``, ``notify``,
    ``permission``…), for one test."""
    original = get_workflow("bases")

    def change(object_key: str, name: str, **changes):
        if "notify" in changes:
            changes.setdefault("events", {})  # the messages named by the new notify only
        flow = original.flow(object_key)
        moves = [dataclasses.replace(t, **changes) if t.name == name else t for t in flow.transitions]
        copy = dataclasses.replace(original, objects={**original.objects,
                                                      object_key: dataclasses.replace(flow, transitions=moves)})
        registry.unregister("bases")
        return register(copy)

    yield change
    registry.unregister("bases")
    register(original)


def _events_of(username: str) -> list[str]:
    return list(Notification.objects.filter(recipient__username=username).order_by("id")
                .values_list("event", flat=True))


def _verbs(target) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(target.pk), target_type__model=target._meta.model_name)
                .order_by("id").values_list("verb", flat=True))


def _trail():
    return AuditEvent.objects.count(), Notification.objects.count()


@pytest.fixture
def gd(gd_call):  # noqa: F811
    """The Guangdong call without co-review (the recommendation needs no concurrence)."""
    Call.objects.filter(pk=gd_call.pk).update(co_review_required=False)
    gd_call.refresh_from_db()
    return gd_call


@pytest.fixture
def draft(gd_call, user_named):  # noqa: F811
    user = user_named("park_huangpu")
    application = application_services.start_application(
        call=gd_call, park=user.memberships.get().organization, user=user)
    fill_completely(application, user)
    return application


def _approved(call, user_named, n=1, prefix="审核", *, huangpu=False):
    """``n`` applications of Guangzhou that passed the preliminary review; the first of 黄埔's park (whose
    administrator is told) when ``huangpu``."""
    user = user_named("park_huangpu")
    parks = ([user.memberships.get().organization] if huangpu else []) + extra_parks("440100", n - huangpu, prefix)
    return bulk_applications(call, parks, "approved", user)


def _sent(call, user_named, applications):
    city = user_named("city_gz")
    services.save_recommendation(call=call, user=city, application_ids=[a.pk for a in applications])
    return services.send_recommendation(call=call, user=city, letter_number="穗商务函〔2026〕1号")


def _return(application, user_named):
    services.formal_check(application=application, user=user_named("gd_officer"), decision="return",
                          reason="缺少盖章页", resend_deadline=timezone.now() + timedelta(hours=48))


def _resend(returned, instead, user_named):
    services.resend_after_return(formal_return=FormalCheck.objects.get(application=returned),
                                 user=user_named("city_gz"), application_id=instead.pk,
                                 letter_number="穗商务函〔2026〕2号")


# --- submission and the preliminary review --------------------------------------------------------

def test_submission_records_and_tells_what_the_definition_says(draft, user_named, bases_with):
    park_user = user_named("park_huangpu")
    bases_with("application", "submit", verb="application.filed", notify={"park": "review.return"})
    application_services.submit_application(application=draft, user=park_user)
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.latest_version_number == 1
    assert _verbs(draft)[-1] == "application.filed" and "application.submitted" not in _verbs(draft)
    assert AuditEvent.objects.get(verb="application.filed").data == {"version": 1, "misses": 0}
    assert _events_of("park_huangpu") == ["review.return"]
    assert _events_of("city_gz") == []  # the unit is no longer an audience of the copy


def test_submission_tells_each_audience_its_own_message_and_link(draft, user_named):
    application_services.submit_application(application=draft, user=user_named("park_huangpu"))
    assert _events_of("park_huangpu") == ["application.submitted"]
    assert Notification.objects.get(recipient__username="park_huangpu").link == reverse(
        "applications:detail", args=[draft.pk])
    assert Notification.objects.get(recipient__username="city_gz", event="application.received").link == reverse(
        "review:review", args=[draft.pk])


@pytest.fixture
def submitted(draft, user_named):
    application_services.submit_application(application=draft, user=user_named("park_huangpu"))
    draft.refresh_from_db()
    return draft


def test_the_coreviewers_are_told_of_an_approval_only_when_the_call_requires_co_review(submitted, user_named):
    services.decide(application=submitted, version_number=1, user=user_named("city_gz"), decision="approve",
                    checklist=CHECKLIST)
    assert _events_of("gz_cac") == ["coreview.requested"]
    assert Notification.objects.get(recipient__username="gz_cac").link == reverse(
        "review:coreview-list", args=[submitted.call_id])
    other = _approved(submitted.call, user_named, prefix="无会审")[0]
    Application.objects.filter(pk=other.pk).update(state="submitted")
    Call.objects.filter(pk=submitted.call_id).update(co_review_required=False)
    services.decide(application=other, version_number=1, user=user_named("city_gz"), decision="approve",
                    checklist=CHECKLIST)
    assert _events_of("gz_cac") == ["coreview.requested"]  # nothing more


def test_the_preliminary_decision_is_the_definitions_move(submitted, user_named, bases_with):
    bases_with("application", "approve", verb="review.passed", notify={"park": "review.approve"})
    services.decide(application=submitted, version_number=1, user=user_named("city_gz"), decision="approve",
                    checklist=CHECKLIST)
    submitted.refresh_from_db()
    assert submitted.state == "approved"
    assert _verbs(submitted)[-1] == "review.passed" and "review.approve" not in _verbs(submitted)
    assert _events_of("park_huangpu")[-1] == "review.approve"
    assert _events_of("gz_cac") == []  # the copy tells the park only


def test_a_reviewer_without_the_definitions_permission_is_refused_and_nothing_changes(submitted, user_named,
                                                                                      bases_with):
    bases_with("application", "reject", permission="review.check_application")  # the organiser's
    before = _trail()
    with pytest.raises(PermissionDenied):
        services.decide(application=submitted, version_number=1, user=user_named("city_gz"), decision="reject",
                        checklist=CHECKLIST, reasons="材料不全")
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and not submitted.preliminary_reviews.exists()
    assert _trail() == before


# --- the recommendation ---------------------------------------------------------------------------

def test_the_letter_records_once_and_tells_the_organiser_for_every_application(gd, user_named, bases_with):
    listed = _approved(gd, user_named, 2)
    bases_with("recommendation", "send", verb="recommendation.posted", notify=())
    recommendation = _sent(gd, user_named, listed)
    assert _verbs(recommendation)[-1] == "recommendation.posted"
    assert set(Application.objects.filter(pk__in=[a.pk for a in listed]).values_list("state", flat=True)) == {
        "recommended"}
    assert all(_verbs(a) == [] for a in listed)  # the letter's event, not one per application
    assert "recommendation.sent" not in _events_of("gd_officer")


def test_the_sent_letter_tells_the_organiser(gd, user_named):
    _sent(gd, user_named, _approved(gd, user_named, 2))
    told = Notification.objects.get(recipient__username="gd_officer", event="recommendation.sent")
    assert "2" in told.body and told.link == reverse("review:overview", args=[gd.pk])


def test_a_resend_after_a_formal_return_is_the_letters_resend(gd, user_named, bases_with):
    first, second = _approved(gd, user_named, 2, huangpu=True)
    _sent(gd, user_named, [first])
    _return(first, user_named)
    assert _verbs(first)[-1] == "formal_check.return"
    # The park in the words of the event, the unit in those of the return (with the re-send deadline).
    assert _events_of("park_huangpu") == ["formal_check.return"] and _events_of("city_gz") == ["formal_check.return"]
    unit_told = Notification.objects.get(recipient__username="city_gz")
    assert unit_told.link == reverse("review:recommendation", args=[gd.pk]) and "缺少盖章页" in unit_told.body
    bases_with("recommendation", "resend", verb="recommendation.replaced", notify=())
    told = Notification.objects.filter(recipient__username="gd_officer").count()
    _resend(first, second, user_named)
    second.refresh_from_db()
    assert second.state == "recommended" and _verbs(second) == ["recommendation.replaced"]
    assert Notification.objects.filter(recipient__username="gd_officer").count() == told


def test_the_organiser_learns_of_a_resend(gd, user_named):
    first, second = _approved(gd, user_named, 2)
    _sent(gd, user_named, [first])
    _return(first, user_named)
    _resend(first, second, user_named)
    assert _verbs(second) == ["recommendation.resent"]
    told = Notification.objects.filter(recipient__username="gd_officer").latest("id")
    assert second.park.name in told.body and "穗商务函〔2026〕2号" in told.body


def test_the_returned_list_tells_the_unit_as_the_definition_says(gd, user_named, bases_with):
    listed = _approved(gd, user_named, 2)
    recommendation = _sent(gd, user_named, listed)
    services.return_recommendation(recommendation=recommendation, user=user_named("gd_officer"), reason="名单有误")
    assert _events_of("city_gz") == ["recommendation.returned"]
    assert _verbs(recommendation)[-1] == "recommendation.returned"
    assert set(Application.objects.filter(pk__in=[a.pk for a in listed]).values_list("state", flat=True)) == {
        "approved"}
    assert all(_verbs(a) == [] for a in listed)
    # Sent again and returned again under a copy that tells nobody.
    _sent(gd, user_named, listed)
    bases_with("recommendation", "return_to_unit", notify=())
    services.return_recommendation(recommendation=recommendation, user=user_named("gd_officer"), reason="再次退回")
    assert _events_of("city_gz") == ["recommendation.returned"]


def test_a_list_not_sent_cannot_be_returned_and_nothing_changes(gd, user_named):
    listed = _approved(gd, user_named, 1)
    services.save_recommendation(call=gd, user=user_named("city_gz"), application_ids=[listed[0].pk])
    recommendation = Recommendation.objects.get(call=gd)
    before = _trail()
    with pytest.raises(ValidationError):
        services.return_recommendation(recommendation=recommendation, user=user_named("gd_officer"), reason="退回")
    recommendation.refresh_from_db()
    assert recommendation.status == "draft" and recommendation.return_reason == ""
    assert _trail() == before


# --- the formal check -----------------------------------------------------------------------------

def test_the_formal_check_records_and_tells_what_the_definition_says(gd, user_named, bases_with):
    first, second = _approved(gd, user_named, 2, huangpu=True)
    _sent(gd, user_named, [first, second])
    officer = user_named("gd_officer")
    bases_with("application", "pass_formal_check", verb="formal_check.ok", notify=())
    services.formal_check(application=first, user=officer, decision="pass")
    assert _verbs(first) == ["formal_check.ok"] and _events_of("park_huangpu") == []
    bases_with("application", "withdraw_recommendation", notify=("park",))  # the unit is not told in the copy
    _return(second, user_named)
    assert _verbs(second) == ["formal_check.return"]
    assert _events_of("city_gz") == []


def test_an_application_not_awaiting_the_formal_check_is_refused_and_nothing_changes(gd, user_named):
    application = _approved(gd, user_named, 1)[0]
    before = _trail()
    with pytest.raises(ValidationError):
        services.formal_check(application=application, user=user_named("gd_officer"), decision="pass")
    assert _trail() == before and not FormalCheck.objects.exists()


# --- score sheets, the candidate list, conflicts --------------------------------------------------

@pytest.fixture
def scored(gd, user_named):
    """A Guangdong application past the formal check, one expert assigned who has submitted the sheet."""
    application = bulk_applications(gd, extra_parks("440100", 1, "评审"), "formal_passed",
                                    user_named("park_huangpu"))[0]
    officer = user_named("gd_officer")
    expert = ExpertProfile.objects.create(user=user_named("expert_li"),
                                          employer=user_named("expert_li").memberships.get().organization)
    services.ensure_default_rubric(gd)
    assignment = services.assign_manually(application=application, experts=[expert], user=officer)[0]
    services.confirm_no_conflict(assignment=assignment, user=expert.user)
    return assignment


def _submit_sheet(assignment):
    return services.save_sheet(assignment=assignment, user=assignment.expert.user, comment="",
                               scores={str(c.pk): "5" for c in assignment.call.rubric.all()}, submit=True)


def test_the_sheet_is_submitted_and_reopened_as_the_definition_says(scored, user_named, bases_with):
    bases_with("score_sheet", "submit", verb="sheet.locked")
    sheet = _submit_sheet(scored)
    assert sheet.status == "submitted" and _verbs(scored.application)[-1] == "sheet.locked"
    bases_with("score_sheet", "reopen", verb="sheet.unlocked", notify=())
    services.reopen_sheet(sheet=sheet, user=user_named("gd_officer"), reason="总分计算有误")
    sheet.refresh_from_db()
    assert sheet.status == "draft" and _verbs(scored.application)[-1] == "sheet.unlocked"
    assert Notification.objects.filter(recipient=scored.expert.user).count() == 1  # the assignment only


def test_a_reopened_sheet_tells_its_expert(scored, user_named):
    sheet = _submit_sheet(scored)
    services.reopen_sheet(sheet=sheet, user=user_named("gd_officer"), reason="总分计算有误")
    assert _verbs(scored.application)[-1] == "sheet.reopened"
    told = Notification.objects.filter(recipient=scored.expert.user).latest("id")
    assert "总分计算有误" in told.body and told.link == reverse("review:task", args=[scored.pk])


def test_a_draft_sheet_cannot_be_reopened_and_nothing_changes(scored, user_named):
    services.save_sheet(assignment=scored, user=scored.expert.user, comment="", scores={}, submit=False)
    sheet = ScoreSheet.objects.get(assignment=scored)
    before = _trail()
    with pytest.raises(ValidationError):
        services.reopen_sheet(sheet=sheet, user=user_named("gd_officer"), reason="无")
    sheet.refresh_from_db()
    assert sheet.status == "draft" and sheet.reopened_reason == "" and _trail() == before


def test_the_candidate_list_moves_as_the_definition_says(scored, user_named, bases_with):
    _submit_sheet(scored)
    call, officer = scored.call, user_named("gd_officer")
    bases_with("candidate_list", "propose", verb="candidates.put_forward", notify=())
    services.propose_candidates(call=call, user=officer, application_ids=[scored.application_id],
                                acknowledge_count=True, missing_sheets_reason="一名专家评审")
    assert "candidates.put_forward" in _verbs(call) and "candidates.proposed" not in _verbs(call)
    assert _events_of("gd_cac") == []
    bases_with("candidate_list", "withdraw", verb="candidates.taken_back")
    services.withdraw_candidates(call=call, user=officer)
    assert CandidateList.objects.get(call=call).status == "draft" and _verbs(call)[-1] == "candidates.taken_back"
    # A draft list is not withdrawn again: refused, nothing recorded.
    before = _trail()
    with pytest.raises(StepNotPossible):
        services.withdraw_candidates(call=call, user=officer)
    assert _trail() == before


def test_the_concurred_list_tells_the_organiser_as_the_definition_says(scored, user_named, bases_with):
    _submit_sheet(scored)
    call = scored.call
    services.propose_candidates(call=call, user=user_named("gd_officer"), application_ids=[scored.application_id],
                                acknowledge_count=True, missing_sheets_reason="一名专家评审")
    assert "candidates.proposed" in _events_of("gd_cac")
    bases_with("candidate_list", "mark_concurred", notify=())
    for name in ("gd_cac", "gd_miit"):
        services.concur_candidates(call=call, user=user_named(name), stance="concur", opinion="同意")
    assert CandidateList.objects.get(call=call).status == "concurred"
    assert "candidates.concurred" not in _events_of("gd_officer")
    assert _verbs(call).count("candidates.concur") == 2  # one opinion per department, nothing more


def test_a_conflict_is_decided_as_the_definition_says(scored, user_named, bases_with):
    application, officer = scored.application, user_named("gd_officer")
    conflict = Conflict.objects.create(expert=scored.expert, application=application, kind="same_city")
    bases_with("conflict", "confirm", verb="conflict.upheld")
    services.decide_conflict(conflict=conflict, user=officer, confirm=True)
    conflict.refresh_from_db()
    assert conflict.status == "confirmed" and conflict.decided_by == officer
    assert _verbs(application)[-2:] == ["assignment.removed", "conflict.upheld"]
    assert not Assignment.objects.filter(pk=scored.pk).exists()
    # Decided already: refused, nothing changes.
    before = _trail()
    with pytest.raises(StepNotPossible):
        services.decide_conflict(conflict=conflict, user=officer, confirm=False)
    conflict.refresh_from_db()
    assert conflict.status == "confirmed" and _trail() == before


def test_a_conflict_the_expert_declares_is_created_confirmed_by_the_definitions_entry(scored, bases_with):
    expert_user = scored.expert.user
    bases_with("conflict", "declare", permission="review.decide_conflict")  # the expert may not, in the copy
    before = _trail()
    with pytest.raises(PermissionDenied):
        services.declare_conflict(assignment=scored, user=expert_user, reason="曾任该园区顾问")
    assert not Conflict.objects.exists() and Assignment.objects.filter(pk=scored.pk).exists()
    assert _trail() == before


def test_a_declared_conflict_is_confirmed_at_once(scored):
    conflict = services.declare_conflict(assignment=scored, user=scored.expert.user, reason="曾任该园区顾问")
    conflict.refresh_from_db()
    assert (conflict.status, conflict.kind, conflict.decided_by) == ("confirmed", "declared", scored.expert.user)
    assert not Assignment.objects.filter(pk=scored.pk).exists()
