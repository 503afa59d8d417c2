"""The definitions are checked when the project starts: a name that resolves to nothing stops it.

:func:`problems` lists what is wrong with one definition; the app's ``ready`` raises
``ImproperlyConfigured`` on the first definition with a problem, and ``manage.py check`` reports them.
"""

import rules
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from portal.workflow import registry
from portal.workflow.definition import Workflow


def problems(workflow: Workflow) -> list[str]:
    found = []
    guards, audiences = registry.guard_names(), registry.audience_names()
    for object_key, flow in workflow.objects.items():
        where = f"workflow {workflow.key!r}, {object_key}"
        values = set(flow.values)
        if len(values) != len(flow.states):
            found.append(f"{where}: a state is declared twice")
        if flow.initial not in values:
            found.append(f"{where}: the initial state {flow.initial!r} is not declared")
        for group, states in flow.groups.items():
            for state in sorted(states - values):
                found.append(f"{where}: group {group!r} names the undeclared state {state!r}")
        names = [t.name for t in flow.transitions]
        for name in sorted({n for n in names if names.count(n) > 1}):
            found.append(f"{where}: the transition {name!r} is declared twice")
        for move in flow.transitions:
            at = f"{where}.{move.name}"
            for state in sorted((move.source | {move.target}) - values):
                found.append(f"{at}: the state {state!r} is not declared")
            if not move.permission or not rules.perm_exists(move.permission):
                found.append(f"{at}: the permission {move.permission!r} is not registered with rules")
            for name in move.guards:
                if name not in guards:
                    found.append(f"{at}: the guard {name!r} is not registered")
            for name in move.notify:
                if name not in audiences:
                    found.append(f"{at}: the audience {name!r} is not registered")
    if not workflow.chain and not workflow.chains:
        found.append(f"workflow {workflow.key!r}: no review chain")
    if workflow.chains and not workflow.chain_by:
        found.append(f"workflow {workflow.key!r}: chains without chain_by")
    return found


def validate(workflow: Workflow) -> None:
    """Raise ``ImproperlyConfigured`` naming every problem of the definition."""
    found = problems(workflow)
    if found:
        raise ImproperlyConfigured("Invalid workflow definition:\n  " + "\n  ".join(found))


def validate_all() -> None:
    for workflow in registry.workflows():
        validate(workflow)


@checks.register()
def workflow_definitions(app_configs=None, **kwargs):
    return [checks.Error(problem, id="workflow.E001")
            for workflow in registry.workflows() for problem in problems(workflow)]
