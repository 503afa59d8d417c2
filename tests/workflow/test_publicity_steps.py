# ruff: noqa: F811 - the fixtures imported from tests.publicity are parameters of the tests
"""Notices, objections, a base's status and the annual reports move through the workflow definition
(workflows/bases.py) with ``portal.workflow.perform`` / ``enter``: what is audited and who is told is what the
definition says, and a move the definition does not allow (state, user) is refused with nothing changed.

``redefined`` replaces one transition of the bases programme for one test (another verb, other audiences): the
services then record and tell what the replaced definition says."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bases import services as bases_services
from bases.models import AnnualReport, BaseStatusChange
from portal.accounts.models import Membership, Organization, Role, User
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from portal.workflow import StepNotPossible, get_workflow, perform, register, registry
from publicity import services
from publicity.models import DesignatedBase, Notice, Objection
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.bases.conftest import FIGURES, NARRATIVE, make_base
from tests.publicity.test_publicity import (  # noqa: F401
    SHANGHAI,
    _objection_data,
    candidates,
    draft,
    frozen,
    officer,
    published,
)

pytestmark = pytest.mark.django_db
GD_OFFICERS = {"gd_officer", "gd_officer2"}  # the provincial officers of 广东省商务厅 in the demo
UPHELD, NOT_UPHELD = "经核查，异议所述情况属实，予以采纳。", "经核查，异议所述情况不属实。"


@pytest.fixture
def redefined():
    """``redefine(object_key, name, **changes)``: the bases programme with one transition changed, for one test."""
    original = get_workflow("bases")

    def redefine(object_key: str, name: str, **changes):
        current = get_workflow("bases")
        flow = current.flow(object_key)
        if "notify" in changes:
            changes.setdefault("events", {})  # the new audiences' messages only
        moves = [replace(move, **changes) if move.name == name else move for move in flow.transitions]
        workflow = replace(current, objects={**current.objects, object_key: replace(flow, transitions=moves)})
        registry.unregister("bases")
        register(workflow)
        return workflow.flow(object_key).transition(name)

    yield redefine
    registry.unregister("bases")
    register(original)


def verbs_on(obj) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(obj.pk), target_type__model=obj._meta.model_name)
                .order_by("pk").values_list("verb", flat=True))


def told(event: str) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def definition(object_key: str, name: str):
    return get_workflow("bases").flow(object_key).transition(name)


@pytest.fixture
def open_notice(published, frozen):
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    return published


def _file(notice, **overrides) -> Objection:
    data = _objection_data(notice, **overrides)
    item = notice.items.get(pk=data.pop("item"))
    return services.submit_objection(notice=notice, item=item, values=data, files=[], ip="10.0.0.9")


def _postal(notice, user) -> Objection:
    from tests.publicity.test_objection_abuse import _pdf

    data = _objection_data(notice)
    item = notice.items.get(pk=data.pop("item"))
    return services.register_postal_objection(notice=notice, item=item, values=data, user=user,
                                              postmarked_on=notice.publication_date, scans=[_pdf("来函.pdf", 20)])


# --- the notice -----------------------------------------------------------------------------------

@pytest.fixture
def admins(candidates):
    """One administrator for each park on the candidate list: park name → username."""
    names = {}
    for n, application in enumerate(candidates):
        user = User.objects.create_user(username=f"candidate_admin_{n}", password="x")
        Membership.objects.create(user=user, organization=application.park, role=Role.PARK_ADMIN)
        names[application.park.name] = user.username
    return names


def _publish(notice, officer, frozen):
    frozen(datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
    return services.publish_notice(notice=notice, user=officer, publication_date=date(2026, 12, 24))


def test_publishing_tells_each_park_on_the_notice_in_its_own_message(draft, officer, frozen, admins):
    notice = _publish(draft, officer, frozen)
    assert verbs_on(notice)[-1] == definition("notice", "publish").verb == "notice.published"
    messages = Notification.objects.filter(event="notice.published").select_related("recipient")
    assert {m.recipient.username: m.body for m in messages}.keys() == set(admins.values())
    for m in messages:
        park = next(name for name, username in admins.items() if username == m.recipient.username)
        assert park in m.body and not any(other in m.body for other in admins if other != park)


def test_publishing_records_and_tells_what_the_definition_says(draft, officer, frozen, admins,
                                                               redefined):
    redefined("notice", "publish", verb="notice.published_for_test", notify={"candidate_parks": "notice.closed"})
    notice = _publish(draft, officer, frozen)
    assert notice.status == "published" and verbs_on(notice)[-1] == "notice.published_for_test"
    assert not AuditEvent.objects.filter(verb="notice.published").exists()
    assert told("notice.closed") == set(admins.values()) and not told("notice.published")
    redefined("notice", "publish", notify=())
    other = Notice.objects.create(call=notice.call, title="另一份公示", body="正文", contact_phone="020-1",
                                  contact_email="a@example.com", contact_address="广州")
    other.items.create(application=notice.items.first().application, order=1, park_name="某园区", city_name="广州市")
    services.publish_notice(notice=other, user=officer, publication_date=date(2026, 12, 24))
    assert Notification.objects.count() == len(admins)  # nobody told of the second one


def test_the_beat_task_closes_as_the_portal_and_tells_whom_the_definition_names(published, frozen, admins,
                                                                                 redefined):
    redefined("notice", "close", verb="notice.closed_for_test", notify={"candidate_parks": "notice.closed"})
    frozen(published.closes_at + timedelta(minutes=1))
    assert services.close_due_notices() == 1
    published.refresh_from_db()
    assert published.status == "closed"
    event = AuditEvent.objects.get(verb="notice.closed_for_test")
    assert event.actor is None and event.target_id == str(published.pk)
    assert told("notice.closed") == set(admins.values())  # the parks, not the officers


def test_the_beat_task_tells_the_officers_by_default(published, frozen):
    frozen(published.closes_at + timedelta(minutes=1))
    services.close_due_notices()
    assert verbs_on(published)[-1] == definition("notice", "close").verb == "notice.closed"
    assert "gd_officer" in told("notice.closed")


def test_withdrawing_records_the_definitions_verb(published, officer, redefined):
    redefined("notice", "withdraw", verb="notice.withdrawn_for_test")
    services.withdraw_notice(notice=published, user=officer, reason="候选名单需重新核实")
    published.refresh_from_db()
    assert published.status == "withdrawn" and verbs_on(published)[-1] == "notice.withdrawn_for_test"


def test_a_draft_cannot_be_withdrawn_nor_by_another_department(draft, published, officer, user_named):
    draft_notice = Notice.objects.create(call=published.call, title="草稿", body="正文")
    with pytest.raises(ValidationError, match="只能撤回已发布的公示"):
        services.withdraw_notice(notice=draft_notice, user=officer, reason="需重新核实")
    with pytest.raises(PermissionDenied):
        services.withdraw_notice(notice=published, user=user_named("mofcom_officer"), reason="需重新核实")
    with pytest.raises(PermissionDenied):  # the engine itself refuses whoever lacks the definition's permission
        perform(published, "withdraw", user=user_named("park_huangpu"))
    draft_notice.refresh_from_db()
    published.refresh_from_db()
    assert (draft_notice.status, published.status) == ("draft", "published")
    assert not published.withdrawn_reason and not AuditEvent.objects.filter(verb="notice.withdrawn").exists()


# --- objections ------------------------------------------------------------------------------------

def test_anyone_may_file_while_the_window_is_open_and_nobody_outside_it(open_notice, frozen):
    objection = Objection(notice=open_notice, item=open_notice.items.first())
    assert AnonymousUser().has_perm("publicity.file_objection", objection)
    frozen(open_notice.closes_at + timedelta(seconds=1))
    assert not AnonymousUser().has_perm("publicity.file_objection", objection)
    draft_notice = Notice.objects.create(call=open_notice.call, title="草稿", body="正文")
    assert not AnonymousUser().has_perm("publicity.file_objection", Objection(notice=draft_notice))


def test_an_online_objection_is_an_entry_of_the_definition(open_notice, redefined):
    redefined("objection", "file", verb="objection.filed_for_test", notify={"organiser": "notice.closed"})
    objection = _file(open_notice)
    assert objection.status == "received" and verbs_on(objection) == ["objection.filed_for_test"]
    assert AuditEvent.objects.get(verb="objection.filed_for_test").actor is None
    assert "gd_officer" in told("notice.closed") and not told("objection.received")


def test_an_online_objection_needs_the_definitions_permission(open_notice, redefined):
    redefined("objection", "file", permission="publicity.handle_objection")  # officers only: the public is refused
    with pytest.raises(PermissionDenied):
        _file(open_notice)
    assert not Objection.objects.exists() and not told("objection.received")
    assert not AuditEvent.objects.filter(verb="objection.received").exists()


def test_a_letter_is_entered_registered_with_the_definitions_verb_and_message(open_notice, officer, redefined):
    assert definition("objection", "register_postal").event_for("organiser") == "objection.received"
    redefined("objection", "register_postal", verb="objection.letter_for_test",
              notify={"organiser": "notice.closed"})
    objection = _postal(open_notice, officer)
    assert objection.status == "registered" and objection.files.count() == 1
    assert verbs_on(objection) == ["objection.letter_for_test"]
    assert "gd_officer" in told("notice.closed") and not told("objection.received")


def test_the_default_entries_record_and_tell_as_the_definition(open_notice, officer):
    online, letter = _file(open_notice), _postal(open_notice, officer)
    assert verbs_on(online) == [definition("objection", "file").verb] == ["objection.received"]
    assert verbs_on(letter) == [definition("objection", "register_postal").verb] == ["objection.postal_registered"]
    assert Notification.objects.filter(event="objection.received", recipient=officer).count() == 2


def test_a_letter_by_another_department_is_refused_with_nothing_created(open_notice, user_named):
    with pytest.raises(PermissionDenied):
        _postal(open_notice, user_named("mofcom_officer"))
    assert not Objection.objects.exists() and not AuditEvent.objects.filter(verb__startswith="objection.").exists()


@pytest.mark.parametrize(("name", "outcome"), [("uphold", "upheld"), ("not_uphold", "not_upheld")])
def test_a_decision_records_the_definitions_verb(open_notice, officer, redefined, name, outcome):
    objection = _file(open_notice)
    redefined("objection", name, verb=f"objection.{name}_for_test")
    services.decide_objection(objection=objection, user=officer, outcome=outcome,
                              reply=UPHELD if outcome == "upheld" else NOT_UPHELD)
    objection.refresh_from_db()
    assert (objection.status, objection.outcome) == ("decided", outcome)
    assert verbs_on(objection)[-1] == f"objection.{name}_for_test"


def test_registering_and_not_accepting_record_the_definitions_verbs(open_notice, officer, redefined):
    first, second = _file(open_notice), _file(open_notice, phone="13900139000")
    redefined("objection", "register", verb="objection.register_for_test")
    services.register_objection(objection=first, user=officer)
    services.add_note(objection=second, user=officer, text="已电话联系异议人。")  # a note registers it too
    redefined("objection", "not_accept", verb="objection.not_accept_for_test")
    services.not_accept_objections(notice=open_notice, objection_ids=[first.pk, second.pk], user=officer,
                                   reason="duplicate", explanation="与此前提交的异议内容相同，不予重复受理。")
    for objection in (first, second):
        objection.refresh_from_db()
        assert (objection.status, objection.outcome) == ("decided", "not_accepted")
        assert verbs_on(objection)[1] == "objection.register_for_test"
        assert verbs_on(objection)[-1] == "objection.not_accept_for_test"


def test_a_decided_objection_or_another_officer_is_refused_with_nothing_changed(open_notice, officer, user_named):
    objection = _file(open_notice)
    with pytest.raises(PermissionDenied):
        services.decide_objection(objection=objection, user=user_named("mofcom_officer"), outcome="upheld",
                                  reply=UPHELD)
    with pytest.raises(PermissionDenied):
        perform(objection, "uphold", user=user_named("park_huangpu"))
    services.decide_objection(objection=objection, user=officer, outcome="not_upheld", reply=NOT_UPHELD)
    before = verbs_on(objection)
    with pytest.raises(ValidationError):
        services.decide_objection(objection=objection, user=officer, outcome="upheld", reply=UPHELD)
    with pytest.raises(StepNotPossible):
        perform(Objection.objects.get(pk=objection.pk), "register", user=officer)
    objection.refresh_from_db()
    assert (objection.status, objection.outcome) == ("decided", "not_upheld") and verbs_on(objection) == before
    assert not open_notice.items.filter(removed=True).exists()


# --- a base's status -------------------------------------------------------------------------------

def _change(base, user, status, **kw):
    today = timezone.localdate()
    values = {"document_number": "粤商务服字〔2026〕30号", "document_date": today, "reason": "复审不合格，限期整改。",
              "deadline": today + timedelta(days=90) if status == "rectification" else None, **kw}
    return bases_services.change_base_status(base=base, status=status, user=user, **values)


@pytest.fixture
def base(demo) -> DesignatedBase:
    return make_base()


def test_a_status_change_is_the_definitions_transition(base, user_named, redefined):
    redefined("designated_base", "order_rectification", verb="base.rectification_for_test",
              notify={"base_organiser": "base.status_changed"})
    _change(base, user_named("gd_officer"), "rectification")
    base.refresh_from_db()
    assert base.status == "rectification" and base.status_deadline
    assert verbs_on(base) == ["base.rectification_for_test"] and base.status_changes.count() == 1
    assert told("base.status_changed") == GD_OFFICERS  # the organiser now, not the park


def test_the_default_status_changes_tell_the_park(base, user_named):
    officer = user_named("gd_officer")
    for status in ("rectification", "active", "revoked"):
        move = bases_services.status_changes(base)[status]
        _change(base, officer, status, reason="决定所述理由。")
        base.refresh_from_db()
        assert base.status == status and verbs_on(base)[-1] == move.verb
    assert told("base.status_changed") == {"park_huangpu"}
    assert Notification.objects.filter(event="base.status_changed").count() == 3


def test_a_revoked_base_or_another_department_is_refused_with_nothing_changed(base, user_named):
    with pytest.raises(PermissionDenied):
        _change(base, user_named("mofcom_officer"), "rectification")
    with pytest.raises(PermissionDenied):
        perform(base, "revoke", user=user_named("park_huangpu"))
    revoked = make_base("广州人工智能与数字经济试验区琶洲核心片区管理委员会", status="revoked")
    with pytest.raises(ValidationError) as exc:
        _change(revoked, user_named("gd_officer"), "active")
    assert "status" in exc.value.message_dict
    with pytest.raises(StepNotPossible):
        perform(revoked, "restore", user=user_named("gd_officer"))
    base.refresh_from_db()
    revoked.refresh_from_db()
    assert (base.status, revoked.status) == ("active", "revoked")
    assert not BaseStatusChange.objects.exists() and not AuditEvent.objects.filter(verb="base.status_changed").exists()
    assert not Notification.objects.filter(event="base.status_changed").exists()


# --- annual reports -----------------------------------------------------------------------------------

@pytest.fixture
def report(base, user_named) -> AnnualReport:
    today = timezone.localdate()
    period = bases_services.open_reporting_period(
        organiser=Organization.objects.get(name="广东省商务厅"), year=today.year - 1,
        deadline=today + timedelta(days=30), user=user_named("gd_officer"))
    report = AnnualReport.objects.get(period=period, base=base)
    return bases_services.save_report(report=report, user=user_named("park_huangpu"), values=FIGURES,
                                      narrative=NARRATIVE, base_revision=report.revision)


def test_submitting_a_report_records_and_tells_what_the_definition_says(report, user_named, redefined):
    redefined("annual_report", "submit", verb="report.submitted_for_test", notify={"base_park": "report.submitted"})
    bases_services.submit_report(report=report, user=user_named("park_huangpu"))
    report.refresh_from_db()
    assert report.status == "submitted" and verbs_on(report)[-1] == "report.submitted_for_test"
    assert told("report.submitted") == {"park_huangpu"}  # the park now, not the organiser


@pytest.mark.parametrize(("name", "kwargs"), [("accept", {"comment": "同意。"}),
                                              ("return_for_revision", {"reason": "数据口径不一致。"})])
def test_deciding_a_report_records_and_tells_what_the_definition_says(report, user_named, redefined, name, kwargs):
    bases_services.submit_report(report=report, user=user_named("park_huangpu"))
    assert told("report.submitted") == GD_OFFICERS
    redefined("annual_report", name, verb=f"report.{name}_for_test", notify={"base_organiser": "report.accepted"})
    decide = bases_services.accept_report if name == "accept" else bases_services.return_report
    decide(report=report, user=user_named("gd_officer"), **kwargs)
    report.refresh_from_db()
    assert report.status == definition("annual_report", name).target
    assert verbs_on(report)[-1] == f"report.{name}_for_test"
    assert told("report.accepted") == GD_OFFICERS and not told("report.returned")


def test_a_report_is_decided_once_and_only_by_its_organiser(report, user_named):
    park, officer = user_named("park_huangpu"), user_named("gd_officer")
    with pytest.raises(PermissionDenied):  # not submitted yet
        bases_services.accept_report(report=report, user=officer)
    with pytest.raises(StepNotPossible):
        perform(AnnualReport.objects.get(pk=report.pk), "accept", user=None)
    bases_services.submit_report(report=report, user=park)
    for user in (park, user_named("mofcom_officer")):
        with pytest.raises(PermissionDenied):
            bases_services.accept_report(report=report, user=user)
    report.refresh_from_db()
    assert report.status == "submitted" and report.decided_by is None
    assert verbs_on(report)[-1] == "report.submitted" and not told("report.accepted")
