"""The objects stated by the definitions beyond the application: a protected FSM (the annual report) gets its
transitions from them; a plain status field (objection, conflict, base, item request) its choices and groups."""

import pytest

from applications.models import Call
from bases.models import AnnualReport
from bases.services import status_changes
from funds.models import ItemRequest
from portal.audit import lifecycle
from portal.workflow import get_workflow, in_group, registry
from publicity.models import DesignatedBase, Notice, Objection
from review.models import Conflict


def test_the_annual_report_moves_are_exactly_the_definitions():
    flow = get_workflow("bases").flow("annual_report")
    for state, rows in flow.matrix().items():
        report = AnnualReport(status=state)
        assert {t.name for t in report.get_all_status_transitions() if t.source == state} == {n for n, _ in rows}
    report = AnnualReport(status="submitted")
    report.return_for_revision()
    assert report.status == "returned" and in_group(report, "editable") and report.is_editable
    assert "bases.annualreport" in lifecycle.registered_models()


@pytest.mark.parametrize("model, key, programme", [
    (Objection, "objection", "bases"), (Conflict, "conflict", "bases"),
    (DesignatedBase, "designated_base", "bases"), (ItemRequest, "item_request", "fund")])
def test_plain_status_fields_take_their_choices_and_groups_from_the_definition(model, key, programme):
    flow = get_workflow(programme).flow(key)
    binding = registry.binding_of(model)
    assert (binding.object_key, binding.transitions) == (key, False)
    assert [value for value, _label in model._meta.get_field("status").choices] == flow.values
    # moved by portal.workflow.perform, created in a later state by an entry (a letter registered, a declared
    # conflict): the audit check expects the verbs of the transitions into the state
    assert model._meta.label_lower in lifecycle.registered_models()
    assert not any(hasattr(getattr(model, t.name, None), "_django_fsm") for t in flow.transitions)


def test_a_plain_status_is_explained_by_the_verbs_into_it_entries_included():
    notice = Notice(call=Call(programme="bases"))
    registered = Objection(status="registered", notice=notice)
    assert lifecycle.expected_events(registered) == [(("objection.postal_registered", "objection.registered"), {})]
    assert lifecycle.expected_events(Objection(status="received", notice=notice)) == []  # the initial state
    assert lifecycle.expected_events(DesignatedBase(status="revoked")) == [(("base.status_changed",), {})]


def test_the_base_status_changes_are_the_definitions_transitions():
    allowed = {state: set(status_changes(DesignatedBase(status=state))) for state in DesignatedBase.Status.values}
    assert allowed == {"active": {"rectification", "revoked"},
                       "rectification": {"active", "rectification", "revoked"}, "revoked": set()}
    assert status_changes(DesignatedBase(status="rectification"))["active"].name == "restore"
    assert in_group(DesignatedBase(status="rectification"), "under_rectification")
