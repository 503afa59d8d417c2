"""Performing a transition: the one way a service changes the state of an object that follows a definition.

:func:`perform` checks what the definition says (the acting permission on the object, the source state,
the guards), moves the object (its django-fsm method, or its plain status field), saves it, records the
definition's audit verb and tells the definition's audiences. :func:`enter` does the same for an object
created in a state of its own (a transition with no source). The service around it keeps what only it
knows: the lock, the checks of the input, the records it writes beside the move, and the words of the
message (``context`` and ``link``).

The engine imports no app: the audit trail and the notifications plug in when their apps are ready::

    workflow.steps.set_recorder(lambda *, verb, actor, target, organization, request, data: ...)
    workflow.steps.set_notifier(lambda *, event, recipients, context, link, call: ...)
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from portal.workflow import registry
from portal.workflow.actions import guards_hold, state_of
from portal.workflow.definition import Transition

_hooks: dict[str, Callable | None] = {"record": None, "notify": None}


def set_recorder(func: Callable) -> None:
    """``func(*, verb, actor, target, organization, request, data)`` writes one audit event."""
    _hooks["record"] = func


def set_notifier(func: Callable) -> None:
    """``func(*, event, recipients, context, link, call)`` tells users of an event."""
    _hooks["notify"] = func


def _hook(name: str) -> Callable:
    func = _hooks[name]
    if func is None:
        raise ImproperlyConfigured(f"no workflow {name} hook is installed (portal.workflow.steps.set_*)")
    return func


class StepNotPossible(ValidationError):
    """The object's state (or a guard) does not allow the transition now."""


def _check(user, obj, move: Transition) -> None:
    if user is not None and not user.has_perm(move.permission, obj):
        raise PermissionDenied
    if not move.is_entry and state_of(obj) not in move.source:
        raise StepNotPossible(_("This step is not possible in the current state (%(state)s).")
                              % {"state": registry.flow_of(obj).label_of(state_of(obj))}, code="state")
    if not guards_hold(move, obj):
        raise StepNotPossible(_("This step is not possible now."), code="guard")


def _resolve(obj, path: str):
    value = obj
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _audit(obj, move: Transition, *, user, organization, request, data, audit_target) -> None:
    if not move.verb:
        return
    target = audit_target
    if target is None:
        if move.audited_on:
            try:
                target = _resolve(obj, move.audited_on)
            except AttributeError:
                raise ImproperlyConfigured(
                    f"{move.name} is audited on {move.audited_on!r}, which the object does not have: pass "
                    "audit_target, or audit=False when the other object's transition records it") from None
        else:
            target = obj
    _hook("record")(verb=move.verb, actor=user, target=target, organization=organization, request=request,
                    data=data or {})


def record(obj, name: str, *, user, organization=None, request=None, data=None, audit_target=None) -> None:
    """Record the audit event of the transition ``name`` that :func:`perform` or :func:`enter` took with
    ``audit=False`` because its details were known only later (the round a call was created for)."""
    _audit(obj, registry.flow_of(obj).transition(name), user=user, organization=organization, request=request,
           data=data, audit_target=audit_target)


def tell(obj, name: str, *, context: Mapping | None = None, link: str | Mapping[str, str] = "",
         only: tuple[str, ...] | None = None, call=None) -> dict[str, list]:
    """Send the messages of the transition ``name``: each audience of its ``notify`` gets its event, worded
    with ``context``; ``link`` is one address, or one per audience; an address may be a function of the object
    (the page of an object :func:`enter` has just saved). Returns audience → users told."""
    move = registry.flow_of(obj).transition(name)
    call = call if call is not None else getattr(obj, "call", None)
    told = {}
    for audience in move.notify:
        if only is not None and audience not in only:
            continue
        recipients = list(registry.get_audience(audience)(obj))
        told[audience] = recipients
        address = link.get(audience, "") if isinstance(link, Mapping) else link
        address = address(obj) if callable(address) else address  # e.g. the page of an object just created
        if recipients:
            _hook("notify")(event=move.event_for(audience), recipients=recipients, context=dict(context or {}),
                            link=address, call=call)
    return told


def perform(obj, name: str, *, user, organization=None, request=None, data=None, context=None,
            link: str | Mapping[str, str] = "", save: bool = True, audit: bool = True, audit_target=None,
            notify: bool = True, call=None) -> Transition:
    """Take the transition ``name`` of the object's programme.

    ``user`` must hold the transition's permission on the object (``None``: the portal itself acts, e.g. the
    beat task that closes a notice at the end of its window). Refused with ``PermissionDenied`` without it,
    with :class:`StepNotPossible` from another state or when a guard fails; nothing is changed then.
    The audit event goes on the object, or on ``audited_on`` (or ``audit_target``); ``audit=False`` when
    another object's transition records it (one letter that recommends several applications).
    """
    binding = registry.binding_of(obj)
    move = registry.flow_of(obj).transition(name)
    if move.is_entry:
        raise ImproperlyConfigured(f"{name} creates the object: use portal.workflow.steps.enter")
    _check(user, obj, move)
    if binding.transitions:
        getattr(obj, name)()
    else:
        setattr(obj, binding.field, move.target)
    return _finish(obj, move, save=save, audit=audit, notify=notify, user=user, organization=organization,
                   request=request, data=data, audit_target=audit_target, context=context, link=link, call=call)


def enter(obj, name: str, *, user, organization=None, request=None, data=None, context=None,
          link: str | Mapping[str, str] = "", audit: bool = True, audit_target=None, notify: bool = True,
          call=None) -> Transition:
    """Create the unsaved ``obj`` in the target of the entry ``name`` (a transition without source),
    checked, saved, audited and told like :func:`perform`."""
    binding = registry.binding_of(obj)
    move = registry.flow_of(obj).transition(name)
    if not move.is_entry:
        raise ImproperlyConfigured(f"{name} moves an existing object: use portal.workflow.steps.perform")
    if obj.pk is not None and not obj._state.adding:
        raise ImproperlyConfigured(f"{name} creates the object; this one exists already")
    _check(user, obj, move)
    obj.__dict__[binding.field] = move.target  # also for a protected FSM field, which refuses assignment
    return _finish(obj, move, save=True, audit=audit, notify=notify, user=user, organization=organization,
                   request=request, data=data, audit_target=audit_target, context=context, link=link, call=call)


def _finish(obj, move, *, save, audit, notify, user, organization, request, data, audit_target, context, link,
            call) -> Transition:
    if save:
        obj.save()
    if audit:
        _audit(obj, move, user=user, organization=organization, request=request, data=data,
               audit_target=audit_target)
    if notify and move.notify:
        tell(obj, move.name, context=context, link=link, call=call)
    return move
