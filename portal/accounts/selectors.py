"""Read paths for accounts: a user's roles and memberships, cached on the user for the request."""

from portal.accounts.models import Membership, Organization


def memberships_of(user) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organization", "organization__region", "organization__region__parent")
            .order_by("role", "organization__name")
        )
        user._portal_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def organizations_for_role(user, role: str) -> list[Organization]:
    return [m.organization for m in memberships_of(user) if m.role == role]


def organization_ids_for_role(user, *roles: str) -> set[int]:
    """The ids of the organisations in which ``user`` holds one of ``roles``."""
    return {m.organization_id for m in memberships_of(user) if m.role in roles}


def primary_organization(user) -> Organization | None:
    memberships = memberships_of(user)
    return memberships[0].organization if memberships else None
