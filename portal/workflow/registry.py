"""The programmes (definitions), the models that follow them, and the named guards and audiences.

Definitions live in the packages of ``settings.WORKFLOW_PACKAGES`` (default ``["workflows"]``): every
module of those packages is imported once, and each calls :func:`register`. Because models build their
state choices and transitions from the definitions, definition modules must not import models.
"""

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.workflow.definition import ObjectFlow, Workflow

_WORKFLOWS: dict[str, Workflow] = {}
_GUARDS: dict[str, Callable] = {}
_AUDIENCES: dict[str, Callable] = {}
_loaded = False
_lock = threading.RLock()


def register(workflow: Workflow) -> Workflow:
    """Add a programme; its key is what ``Call.programme`` stores. Returns the workflow."""
    existing = _WORKFLOWS.get(workflow.key)
    if existing is not None and existing is not workflow:
        raise ImproperlyConfigured(f"two workflow definitions use the key {workflow.key!r}")
    _WORKFLOWS[workflow.key] = workflow
    return workflow


def unregister(key: str) -> None:
    """Remove a programme (tests that register a throw-away definition)."""
    _WORKFLOWS.pop(key, None)


def load_definitions() -> None:
    """Import every definition module of the configured packages (once)."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        for package_name in getattr(settings, "WORKFLOW_PACKAGES", ["workflows"]):
            package = importlib.import_module(package_name)
            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
                if not info.name.startswith("_"):
                    importlib.import_module(f"{package_name}.{info.name}")
        _loaded = True


def workflows() -> list[Workflow]:
    load_definitions()
    return list(_WORKFLOWS.values())


def get_workflow(key: str) -> Workflow:
    load_definitions()
    try:
        return _WORKFLOWS[key]
    except KeyError:
        raise ImproperlyConfigured(f"no workflow definition {key!r}; known: {sorted(_WORKFLOWS)}") from None


def programme_choices() -> list[tuple[str, object]]:
    """(key, label) of every programme: the choices of ``Call.programme``."""
    return [(w.key, w.label) for w in sorted(workflows(), key=lambda w: (w.key != "bases", w.key))]


def workflow_for(call) -> Workflow:
    """The definition a call follows (``call.programme``)."""
    return get_workflow(call.programme)


# --- models bound to an object flow --------------------------------------------------------------

@dataclass(frozen=True)
class Binding:
    object_key: str
    field: str
    programme: Callable  # obj -> programme key
    transitions: bool = True  # an FSM field with the generated transition methods


_BINDINGS: dict[type, Binding] = {}


def bind_model(model: type, binding: Binding) -> None:
    _BINDINGS[model] = binding


def binding_of(obj_or_model) -> Binding:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _BINDINGS:
            return _BINDINGS[klass]
    raise ImproperlyConfigured(f"{model.__name__} follows no workflow (decorate it with portal.workflow.fsm.follows)")


def bound_models() -> dict[type, Binding]:
    return dict(_BINDINGS)


def workflow_of(obj) -> Workflow:
    """The programme an object follows (its call's)."""
    return get_workflow(binding_of(obj).programme(obj))


def flow_of(obj) -> ObjectFlow:
    """The object flow an object follows: its programme's flow for its kind."""
    return workflow_of(obj).flow(binding_of(obj).object_key)


def flows_for(object_key: str) -> list[tuple[Workflow, ObjectFlow]]:
    """Every programme that declares a flow for ``object_key``, with that flow."""
    return [(w, w.objects[object_key]) for w in workflows() if object_key in w.objects]


# --- guards and audiences ------------------------------------------------------------------------

def guard(name: str):
    """Register ``func(obj) -> bool`` as the guard ``name`` (decorator). A transition naming it is
    possible only while it holds."""
    def decorate(func):
        _GUARDS[name] = func
        return func
    return decorate


def audience(name: str):
    """Register ``func(obj) -> list[User]`` as the audience ``name`` (decorator): whom a transition's
    ``notify`` tells."""
    def decorate(func):
        _AUDIENCES[name] = func
        return func
    return decorate


def get_guard(name: str) -> Callable:
    try:
        return _GUARDS[name]
    except KeyError:
        raise ImproperlyConfigured(f"no workflow guard {name!r} is registered") from None


def get_audience(name: str) -> Callable:
    try:
        return _AUDIENCES[name]
    except KeyError:
        raise ImproperlyConfigured(f"no workflow audience {name!r} is registered") from None


def guard_names() -> set[str]:
    return set(_GUARDS)


def audience_names() -> set[str]:
    return set(_AUDIENCES)
