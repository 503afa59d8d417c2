"""The workflow engine (portal.workflow): definitions are checked, models follow them, templates ask them."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template
from django_fsm import TransitionNotAllowed, can_proceed

from applications.models import Application, Call
from portal.workflow import (
    ObjectFlow,
    State,
    Tier,
    Transition,
    Workflow,
    actions_for,
    get_workflow,
    in_group,
    register,
    registry,
    states_in_group,
    workflow_for,
)
from portal.workflow import checks as workflow_checks

TIER = Tier("city", "City", "city", "city_reviewer", "city_commerce")


def definition(key="throwaway", *, permission="applications.submit_application", guards=(), notify=(),
               target="submitted"):
    return Workflow(key=key, label=key, chain=[TIER], objects={"application": ObjectFlow(
        states=[State("draft", "Draft"), State("submitted", "Submitted")],
        groups={"editable": {"draft"}},
        transitions=[Transition("submit", source={"draft"}, target=target, permission=permission,
                                guards=guards, notify=notify, verb="application.submitted")])})


@pytest.fixture
def throwaway():
    """Register definitions for one test and take them away after it."""
    keys = []

    def add(workflow):
        keys.append(workflow.key)
        return register(workflow)

    yield add
    for key in keys:
        registry.unregister(key)


class Perms:
    """A user holding exactly the given permissions, on any object."""

    is_authenticated = True

    def __init__(self, *perms):
        self.perms = set(perms)

    def has_perm(self, perm, obj=None):
        return perm in self.perms


def test_a_transition_naming_an_unregistered_permission_stops_the_project(throwaway):
    bad = definition(permission="applications.no_such_permission")
    with pytest.raises(ImproperlyConfigured, match="no_such_permission.*not registered"):
        workflow_checks.validate(bad)
    throwaway(bad)
    # At start-up: the workflow app's ready() refuses it, and so does `manage.py check`.
    with pytest.raises(ImproperlyConfigured, match="applications.no_such_permission"):
        apps.get_app_config("workflow").ready()
    with pytest.raises(SystemCheckError, match="workflow.E001"):
        call_command("check")


@pytest.mark.parametrize("broken, message", [
    (dict(guards=("no.such_guard",)), "guard 'no.such_guard' is not registered"),
    (dict(notify=("nobody",)), "audience 'nobody' is not registered"),
    (dict(target="published"), "state 'published' is not declared"),
])
def test_unknown_guards_audiences_and_states_are_refused(broken, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        workflow_checks.validate(definition(**broken))


def test_the_installed_definitions_are_valid_and_bases_is_the_default():
    workflow_checks.validate_all()
    call_command("check")
    assert Call._meta.get_field("programme").default == "bases"
    assert ("bases", get_workflow("bases").label) in Call._meta.get_field("programme").choices
    assert workflow_for(Call(programme="bases")) is get_workflow("bases")


def test_the_model_states_and_transitions_come_from_the_definition():
    flow = get_workflow("bases").flow("application")
    assert Application.State.values[:len(flow.values)] == flow.values
    assert Application.State.SUBMITTED == "submitted"
    assert Application.State("approved").label == flow.label_of("approved")
    transitions = {t.name: t for t in Application(state="submitted").get_all_state_transitions()
                   if t.source == "submitted"}
    assert transitions["approve"].target == "approved"
    assert transitions["return_for_revision"].target == "returned"


def test_a_transition_runs_only_for_a_call_whose_programme_declares_it(throwaway):
    throwaway(Workflow(key="other", label="Other", chain=[TIER], objects={"application": ObjectFlow(
        states=[State("draft", "Draft"), State("submitted", "Submitted")],
        transitions=[Transition("submit", source={"draft"}, target="submitted",
                                permission="applications.submit_application")])}))
    bases = Application(call=Call(programme="bases"), state="submitted")
    other = Application(call=Call(programme="other"), state="submitted")
    assert can_proceed(bases.approve)
    assert not can_proceed(other.approve)
    with pytest.raises(TransitionNotAllowed):
        other.approve()
    bases.approve()
    assert bases.state == "approved"


def test_actions_are_the_transitions_the_user_may_take_one_button_per_page():
    application = Application(pk=41, call=Call(programme="bases"), state="submitted")
    reviewer = Perms("review.review_application")
    actions = actions_for(reviewer, application)
    assert [(a.url, set(a.names)) for a in actions] == [
        ("/review/applications/41/", {"approve", "return_for_revision", "reject"})]
    assert actions_for(Perms(), application) == []
    park = Perms("applications.submit_application")
    assert [a.name for a in actions_for(park, Application(pk=41, call=Call(programme="bases"), state="draft"))] \
        == ["submit"]


def test_groups_answer_templates_and_queries():
    application = Application(call=Call(programme="bases"), state="returned")
    assert in_group(application, "editable") and application.is_editable
    assert not in_group(Application(call=Call(programme="bases"), state="approved"), "editable")
    assert states_in_group("application", "counted") == ["recommended", "formal_passed"]
    with pytest.raises(KeyError, match="no state group"):
        in_group(application, "no_such_group")
    rendered = Template('{% load workflow %}{% if a|in_group:"editable" %}edit{% else %}read{% endif %}').render(
        Context({"a": application}))
    assert rendered == "edit"


def test_the_review_chain_is_data_chosen_by_the_call():
    bases = get_workflow("bases")
    assert [t.key for t in bases.chain_for(Call(level="provincial"))] == ["city", "province"]
    assert [t.key for t in bases.chain_for(Call(level="national"))] == ["province", "nation"]
    assert bases.recommending_tier(Call(level="national")).reviewer_kind == "province_commerce"


@pytest.mark.parametrize("object_key, model", [("application", Application), ("call", Call)])
def test_the_generated_transitions_are_exactly_the_definitions_matrix(object_key, model):
    """Every programme's moves from a state, and nothing else, are methods of the model."""
    field = registry.binding_of(model).field
    expected: dict[str, set[str]] = {}
    for _workflow, flow in registry.flows_for(object_key):
        for state, rows in flow.matrix().items():
            expected.setdefault(state, set()).update(name for name, _permission in rows)
    assert {name for name, _ in get_workflow("bases").flow(object_key).matrix()["draft"]} <= expected["draft"]
    for state, names in expected.items():
        obj = model(**{field: state})
        generated = {t.name for t in getattr(obj, f"get_all_{field}_transitions")() if t.source == state}
        assert generated == names, state
