"""Permission checks shared by the review services."""

from django.core.exceptions import PermissionDenied

from applications.models import Call


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _organiser_of(user, call: Call) -> None:
    _require(user, "applications.manage_call", call)
