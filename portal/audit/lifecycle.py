"""What the audit log must hold for an object's life, so that a command can verify it is complete.

Apps register, for a model, a function that lists the events its stored state implies (each a verb
and the details that must match); ``missing_events`` compares them with the log.

An expectation whose verb is a tuple of verbs is met by any one event among them (the workflow's "the
current state was reached by one of these transitions", portal.workflow.audit); it may be the event that
meets another expectation, and it is dropped when another expectation already names one of its verbs.
"""

from collections.abc import Callable

from django.db import models

from portal.audit.selectors import history_of

Expectation = tuple[str, dict]
_CHECKS: dict[str, list[Callable[[models.Model], list[Expectation]]]] = {}


def register(model_label: str, check: Callable[[models.Model], list[Expectation]]) -> None:
    checks = _CHECKS.setdefault(model_label.lower(), [])
    if check not in checks:
        checks.append(check)


def expected_events(obj: models.Model) -> list[Expectation]:
    label = obj._meta.label_lower
    items = [item for check in _CHECKS.get(label, []) for item in check(obj)]
    exact = {verb for verb, _data in items if isinstance(verb, str)}
    return [(verb, data) for verb, data in items if isinstance(verb, str) or not exact & set(verb)]


def missing_events(obj: models.Model) -> tuple[list[Expectation], list[Expectation]]:
    """(found, missing): each expectation matched to a distinct event of the object's history."""
    events = list(history_of(obj))
    used: set[int] = set()
    found, missing = [], []
    for verb, data in expected_events(obj):
        if not isinstance(verb, str):  # one of several verbs, any event
            shown = " | ".join(verb)
            if any(e.verb in verb and all(e.data.get(k) == v for k, v in data.items()) for e in events):
                found.append((shown, data))
            else:
                missing.append((shown, data))
            continue
        match = next((e for e in events if e.pk not in used and e.verb == verb
                      and all(e.data.get(k) == v for k, v in data.items())), None)
        if match is None:
            missing.append((verb, data))
        else:
            used.add(match.pk)
            found.append((verb, data))
    return found, missing


def registered_models() -> list[str]:
    return sorted(_CHECKS)
