"""Models follow the definitions: their state choices and their django-fsm transitions come from them.

In a model module::

    from portal.workflow import fsm

    @fsm.follows("application", field="state", programme=lambda a: a.call.programme)
    class Application(ConcurrentTransitionMixin, models.Model):
        State = fsm.states_enum("application")
        state = FSMField(default=State.DRAFT, choices=State.choices, protected=True)

``follows`` puts on the model one method per transition name declared for the object by any
programme (``application.approve()``). Each source state of a name becomes one django-fsm
transition whose condition is that the object's programme declares that move, and that the guards
of that programme's transition hold. Two programmes may declare the same name; they must then agree
on the target from a shared source state (django-fsm allows one target per source and method).

A new programme adds states and transitions to an object in its own definition module: the model
picks them up (its state choices change, so ``makemigrations`` writes an AlterField).
"""

from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django_fsm import FSMFieldMixin, transition

from portal.workflow import registry


def state_choices(object_key: str) -> list[tuple[str, object]]:
    """The union of the states every programme declares for ``object_key``, in declaration order."""
    seen: dict[str, object] = {}
    for _workflow, flow in registry.flows_for(object_key):
        for state in flow.states:
            seen.setdefault(state.value, state.label)
    if not seen:
        raise ImproperlyConfigured(f"no workflow definition declares states for {object_key!r}")
    return list(seen.items())


def states_enum(object_key: str, name: str = "State") -> type[models.TextChoices]:
    """A ``TextChoices`` of the states of ``object_key`` (member names are the values upper-cased),
    so that code may say ``Application.State.SUBMITTED``."""
    return models.TextChoices(name, [(value.upper(), (value, label)) for value, label in state_choices(object_key)])


def _condition(object_key: str, name: str, source: str, target: str, programme):
    def declared_and_guarded(instance) -> bool:
        workflow = registry.get_workflow(programme(instance))
        flow = workflow.objects.get(object_key)
        if flow is None:
            return False
        move = next((t for t in flow.transitions if t.name == name), None)
        if move is None or source not in move.source or move.target != target:
            return False
        return all(registry.get_guard(g)(instance) for g in move.guards)

    declared_and_guarded.__name__ = f"{name}_declared_by_programme"
    return declared_and_guarded


def _method(name: str, field: str, moves: dict[str, str], object_key: str, programme):
    def method(self):
        """Generated from the workflow definitions (portal.workflow.fsm)."""

    method.__name__ = method.__qualname__ = name
    for source, target in moves.items():
        method = transition(field=field, source=source, target=target,
                            conditions=[_condition(object_key, name, source, target, programme)])(method)
    return method


def follows(object_key: str, *, field: str = "state", programme):
    """Class decorator: bind the model to ``object_key`` and add its transitions.

    ``programme(obj)`` returns the key of the programme the object follows (its call's ``programme``).
    A model whose field is a plain ``CharField`` gets no transition methods: ``portal.workflow.perform`` sets
    its field. Either way ``verify_audit`` expects its state to be explained by a verb of a transition into it
    (an entry's, for an object created in a later state).
    """
    def decorate(model):
        fsm_field = model._meta.get_field(field)
        protected = isinstance(fsm_field, FSMFieldMixin)
        registry.bind_model(model, registry.Binding(object_key, field, programme, transitions=protected))
        if not protected:
            return model
        moves: dict[str, dict[str, str]] = defaultdict(dict)
        for workflow, flow in registry.flows_for(object_key):
            for move in flow.transitions:
                if move.is_entry:  # created in its state: no method (portal.workflow.steps.enter)
                    continue
                for source in sorted(move.source):
                    known = moves[move.name].get(source)
                    if known is not None and known != move.target:
                        raise ImproperlyConfigured(
                            f"{object_key}.{move.name} from {source!r}: programme {workflow.key!r} goes to "
                            f"{move.target!r}, another programme to {known!r}; give one of them another name")
                    moves[move.name][source] = move.target
        for name, by_source in moves.items():
            if name in model.__dict__ and not hasattr(model.__dict__[name], "_django_fsm"):
                raise ImproperlyConfigured(f"{model.__name__}.{name} exists and is not a workflow transition")
            setattr(model, name, _method(name, field, by_source, object_key, programme))
        fsm_field._collect_transitions(sender=model)
        return model

    return decorate
