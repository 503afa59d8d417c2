"""The audit events an object's state implies (for ``manage.py verify_audit``).

An object that is in a state other than its initial one got there by a transition into it: its
history holds one of the verbs of the transitions that lead there (those recorded on the object itself,
``Transition.verb``). Records-based expectations of the apps (one event per submitted version…) come first;
this one adds that the current state is explained.
"""

from portal.workflow import registry
from portal.workflow.actions import state_of


def state_events(obj) -> list[tuple]:
    flow = registry.flow_of(obj)
    state = state_of(obj)
    if state == flow.initial:
        return []
    verbs = flow.verbs_into(state)
    return [(tuple(sorted(verbs)), {})] if verbs else []
