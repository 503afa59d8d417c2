"""What a user may do with an object now, and in which groups its state is: what templates ask."""

from dataclasses import dataclass

from django.urls import reverse

from portal.workflow import registry
from portal.workflow.definition import Transition


@dataclass(frozen=True)
class Action:
    """A button: the transitions it stands for (those performed on one page), its label, URL and class."""

    names: tuple[str, ...]
    label: object
    url: str
    css: str

    @property
    def name(self) -> str:
        return self.names[0]


def state_of(obj) -> str:
    return getattr(obj, registry.binding_of(obj).field)


def guards_hold(move: Transition, obj) -> bool:
    return all(registry.get_guard(name)(obj) for name in move.guards)


def available(user, obj) -> list[Transition]:
    """The transitions of the object's programme that ``user`` may take now: from its state, with the
    permission on the object, and every guard holding."""
    flow = registry.flow_of(obj)
    return [move for move in flow.transitions_from(state_of(obj))
            if user.has_perm(move.permission, obj) and guards_hold(move, obj)]


def can(user, obj, name: str) -> bool:
    """May ``user`` take the transition ``name`` of ``obj`` now?"""
    return any(move.name == name for move in available(user, obj))


def _url(move: Transition, obj) -> str:
    args = []
    for path in move.url_args:
        value = obj
        for part in path.split("."):
            value = getattr(value, part)
        args.append(value)
    return reverse(move.url, args=args)


def actions_for(user, obj) -> list[Action]:
    """The buttons to show for ``obj``: one per page (URL and label) of the transitions ``user`` may take."""
    buttons: dict[tuple[str, str], Action] = {}
    for move in available(user, obj):
        if not move.url:
            continue
        url = _url(move, obj)
        key = (url, str(move.label))
        if key in buttons:
            known = buttons[key]
            buttons[key] = Action(known.names + (move.name,), known.label, known.url, known.css)
        else:
            buttons[key] = Action((move.name,), move.label, url, move.css)
    return list(buttons.values())


def audiences_of(obj, name: str) -> dict[str, list]:
    """Whom the transition ``name`` of the object's programme tells: audience name → users (its ``notify``)."""
    move = registry.flow_of(obj).transition(name)
    return {audience: list(registry.get_audience(audience)(obj)) for audience in move.notify}


def in_group(obj, group: str) -> bool:
    """Is the object's state in the named group of its programme's flow?"""
    return state_of(obj) in registry.flow_of(obj).group(group)


def states_in_group(object_key: str, group: str, *, workflow=None) -> list[str]:
    """The states of a group, for a query (``state__in=``): in one programme, or in every programme
    that defines the group (a list over several calls)."""
    if workflow is not None:
        return workflow.flow(object_key).states_of(group)
    states: list[str] = []
    for _workflow, flow in registry.flows_for(object_key):
        if group in flow.groups:
            states += [s for s in flow.states_of(group) if s not in states]
    return states
