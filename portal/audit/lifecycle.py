"""What the audit log must hold for an object's life, so that a command can verify it is complete.

Apps register, for a model, a function that lists the events its stored state implies (each a verb
and the details that must match); ``missing_events`` compares them with the log.
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
    return [item for check in _CHECKS.get(label, []) for item in check(obj)]


def missing_events(obj: models.Model) -> tuple[list[Expectation], list[Expectation]]:
    """(found, missing): each expectation matched to a distinct event of the object's history."""
    events = list(history_of(obj))
    used: set[int] = set()
    found, missing = [], []
    for verb, data in expected_events(obj):
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
