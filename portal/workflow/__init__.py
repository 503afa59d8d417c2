"""The workflow engine: one definition per programme (申报项目类型), as data.

A programme (the bases designation of seeds 000/001, the service-trade fund of seed 004…) is one
:class:`Workflow` registered from a module of the ``workflows`` package (``settings.WORKFLOW_PACKAGES``).
The call says which it follows (``Call.programme``). For each kind of object (``"application"``,
``"recommendation"``, ``"call"``…) it declares an :class:`ObjectFlow`: the states, named groups of
states (``editable``, ``reviewable``, ``rankable``…) and the transitions (acting permission, guards,
audit verb, audiences told, button). It also declares the review chain (:class:`Tier`s, first the unit
that reviews and recommends, last the organiser's tier).

Definitions::

    from portal.workflow import ObjectFlow, State, Tier, Transition, Workflow, register

    FUND = register(Workflow(
        key="fund", label=_("Service trade development fund"),
        chain=[Tier("district", _("District"), "district", "district_reviewer", "district_commerce"),
               Tier("city", _("City"), "city", "city_reviewer", "city_commerce")],
        objects={"application": ObjectFlow(
            states=[State("draft", _("Draft")), State("submitted", _("Submitted"))],
            groups={"editable": {"draft"}},
            transitions=[Transition("submit", source={"draft"}, target="submitted",
                                    permission="applications.submit_application",
                                    verb="application.submitted", notify=("recommending_unit",),
                                    label=_("Submit"), url="applications:submit")],
        )},
    ))

Definition modules import no model: models build their state choices and methods from them
(:func:`portal.workflow.fsm.follows`, :func:`portal.workflow.fsm.states_enum`). Permissions are
``rules`` permission names; guards (``@guard("name")`` ``func(obj) -> bool``) and audiences
(``@audience("name")`` ``func(obj) -> users``) are registered by the apps in their ``ready``. When the
project starts, :mod:`portal.workflow.checks` refuses a definition naming anything unregistered.

Use::

    workflow_for(call)                     # the Workflow of a call
    workflow_for(call).recommending_tier(call)   # the Tier that reviews and recommends
    flow_of(application)                   # its ObjectFlow
    in_group(application, "editable")      # is its state in the group?
    states_in_group("application", "reviewable", workflow=w)   # for state__in=
    actions_for(user, application)         # buttons: [Action(names, label, url, css)]
    can(user, application, "approve")      # one transition, now, for this user
    perform(application, "approve", user=user, organization=unit, context={...}, link=url)
                                           # permission, state, guards, move, save, audit verb, messages
    enter(objection, "register_postal", user=officer, ...)   # created in a later state
    audiences_of(application, "submit")    # whom it tells: {"park": [users], "recommending_unit": [users]}

Templates: ``{% load workflow %}``, ``{% actions_for obj as actions %}``, ``obj|in_group:"editable"``,
``{% can obj "approve" as ok %}``.
"""

from portal.workflow.actions import (
    Action,
    actions_for,
    audiences_of,
    available,
    can,
    in_group,
    state_of,
    states_in_group,
)
from portal.workflow.definition import ObjectFlow, State, Tier, Transition, Workflow
from portal.workflow.registry import (
    audience,
    flow_of,
    get_workflow,
    guard,
    programme_choices,
    register,
    workflow_for,
    workflow_of,
    workflows,
)
from portal.workflow.steps import StepNotPossible, enter, perform, record, tell

__all__ = [
    "Action", "ObjectFlow", "State", "Tier", "Transition", "Workflow", "actions_for", "audience", "audiences_of",
    "available",
    "can", "flow_of", "get_workflow", "guard", "in_group", "programme_choices", "register", "state_of",
    "states_in_group", "workflow_for", "workflow_of", "workflows",
    "StepNotPossible", "enter", "perform", "record", "tell",
]
