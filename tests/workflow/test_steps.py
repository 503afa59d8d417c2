"""portal.workflow.perform / enter / tell: a step is what the definition says, or nothing happens."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from applications.models import Application, Call
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from portal.workflow import (
    ObjectFlow,
    State,
    StepNotPossible,
    Tier,
    Transition,
    Workflow,
    enter,
    perform,
    register,
    registry,
    steps,
    tell,
)
from tests.applications.conftest import calls, gd_call, park, park_user  # noqa: F401
from tests.workflow.test_engine import Perms

TIER = Tier("city", "City", "city", "city_reviewer", "city_commerce")
SEEN: dict[str, list] = {"people": []}


@registry.audience("test.people")
def _people(obj):
    return SEEN["people"]


@registry.audience("test.nobody")
def _nobody(obj):
    return []


@registry.guard("test.open")
def _open(obj):
    return not getattr(obj, "justification", "") == "closed"


def steps_definition(key="steps", *, verb="application.submitted", notify=None):
    """A programme whose application is submitted (a guarded move, telling two audiences) or imported (an entry)."""
    return Workflow(key=key, label=key, chain=[TIER], objects={"application": ObjectFlow(
        states=[State("draft", "Draft"), State("submitted", "Submitted"), State("approved", "Approved")],
        groups={"editable": {"draft"}},
        transitions=[
            Transition("submit", source={"draft"}, target="submitted", permission="applications.submit_application",
                       guards=("test.open",), verb=verb,
                       notify=notify if notify is not None else {"test.people": "application.received",
                                                                 "test.nobody": "review.return"}),
            Transition("approve", source={"submitted"}, target="approved",
                       permission="review.review_application", verb="review.approve", audited_on="call"),
            Transition("import_submitted", source=set(), target="submitted",
                       permission="applications.submit_application", verb="application.imported"),
        ])})


@pytest.fixture
def programme():
    workflow = register(steps_definition())
    yield workflow
    registry.unregister(workflow.key)


@pytest.fixture
def captured(monkeypatch):
    """What the steps record and tell, without a database (the installed hooks are tested below)."""
    seen = {"events": [], "told": []}
    monkeypatch.setitem(steps._hooks, "record", lambda **kw: seen["events"].append(kw))
    monkeypatch.setitem(steps._hooks, "notify", lambda **kw: seen["told"].append(kw))
    return seen


def _application(state="draft", **fields):
    return Application(pk=7, call=Call(pk=3, programme="steps", title="测试批次"), state=state, **fields)


def test_perform_moves_records_the_definitions_verb_and_tells_each_audience_its_message(programme, captured):
    SEEN["people"] = ["城市审核员"]
    application = _application()
    user = Perms("applications.submit_application")
    move = perform(application, "submit", user=user, organization="园区", data={"version": 1},
                   context={"park": "园区"}, link={"test.people": "/review/7/"}, save=False)
    assert move.name == "submit" and application.state == "submitted"
    assert [(e["verb"], e["target"], e["actor"], e["data"]) for e in captured["events"]] == [
        ("application.submitted", application, user, {"version": 1})]
    # the audience with users gets its own message and link; an empty audience is not told
    assert [(t["event"], t["recipients"], t["link"], t["context"]) for t in captured["told"]] == [
        ("application.received", ["城市审核员"], "/review/7/", {"park": "园区"})]
    assert captured["told"][0]["call"] is application.call


def test_the_recorded_verb_and_the_message_are_the_definitions(captured):
    """Changing the definition, and nothing else, changes what the step records and tells."""
    workflow = register(steps_definition("steps", verb="application.filed", notify=("test.people",)))
    try:
        SEEN["people"] = ["审核员"]
        perform(_application(), "submit", user=Perms("applications.submit_application"), save=False)
    finally:
        registry.unregister(workflow.key)
    assert [e["verb"] for e in captured["events"]] == ["application.filed"]
    assert [t["event"] for t in captured["told"]] == ["application.filed"]  # no message named: the verb


@pytest.mark.parametrize("user, state, justification, refusal", [
    (Perms(), "draft", "", PermissionDenied),                                     # without the permission
    (Perms("applications.submit_application"), "approved", "", StepNotPossible),  # not from this state
    (Perms("applications.submit_application"), "draft", "closed", StepNotPossible),  # a guard does not hold
])
def test_a_refused_step_changes_records_and_tells_nothing(programme, captured, user, state, justification, refusal):
    application = _application(state, justification=justification)
    with pytest.raises(refusal):
        perform(application, "submit", user=user, save=False)
    assert application.state == state
    assert captured == {"events": [], "told": []}


def test_the_portal_itself_may_act_without_a_user_but_not_outside_the_definition(programme, captured):
    application = _application()
    perform(application, "submit", user=None, save=False)
    assert application.state == "submitted" and captured["events"][0]["actor"] is None
    with pytest.raises(StepNotPossible):
        perform(application, "submit", user=None, save=False)


def test_audited_on_records_the_event_on_the_other_object(programme, captured):
    application = _application("submitted")
    perform(application, "approve", user=Perms("review.review_application"), save=False)
    assert captured["events"][0]["target"] is application.call
    # an object without the attribute must say where the event goes
    with pytest.raises(ImproperlyConfigured, match="audit_target"):
        steps._audit(object(), programme.flow("application").transition("approve"), user=None, organization=None,
                     request=None, data=None, audit_target=None)


def test_entries_create_and_moves_move(programme, captured):
    with pytest.raises(ImproperlyConfigured, match="enter"):
        perform(_application(), "import_submitted", user=Perms("applications.submit_application"), save=False)
    existing = _application()
    existing._state.adding = False
    with pytest.raises(ImproperlyConfigured, match="exists already"):
        enter(existing, "import_submitted", user=Perms("applications.submit_application"))
    with pytest.raises(ImproperlyConfigured, match="perform"):
        enter(Application(call=Call(programme="steps")), "submit", user=Perms("applications.submit_application"))
    # an entry puts no method on the model (django-fsm has no source to leave)
    assert not hasattr(Application, "import_submitted")
    assert captured["events"] == []


def test_tell_sends_only_the_audiences_asked_for(programme, captured):
    SEEN["people"] = ["甲"]
    told = tell(_application("submitted"), "submit", only=("test.nobody",))
    assert told == {"test.nobody": []} and captured["told"] == []
    tell(_application("submitted"), "submit", link={"test.people": lambda a: f"/applications/{a.pk}/"})
    assert [t["link"] for t in captured["told"]] == ["/applications/7/"]  # an address made from the object


@pytest.mark.django_db
def test_the_installed_hooks_write_the_audit_trail_and_the_notifications(programme, gd_call, park, park_user):  # noqa: F811
    """The audit and notification apps plug their services into the engine; an entry creates in its state."""
    Call.objects.filter(pk=gd_call.pk).update(programme="steps")
    gd_call.refresh_from_db()
    SEEN["people"] = [park_user]
    application = Application(call=gd_call, park=park, created_by=park_user)
    enter(application, "import_submitted", user=park_user, organization=park)
    application.refresh_from_db()
    assert application.state == "submitted"
    event = AuditEvent.objects.get(verb="application.imported")
    assert (event.actor, event.target_id, event.organization) == (park_user, str(application.pk), park)
    Application.objects.filter(pk=application.pk).update(state="draft")
    application.refresh_from_db()
    perform(application, "submit", user=park_user, organization=park, context={"park": park.name, "version": 1})
    assert Application.objects.get(pk=application.pk).state == "submitted"
    notification = Notification.objects.get(recipient=park_user, event="application.received")
    assert park.name in notification.body
