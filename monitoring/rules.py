"""Who sees the statistics of which base: the organiser that designated it (its provincial or national
commerce department), the park management body that reports for it (its own base only), and the commerce
bureau of the base's city (read-only). The public sees nothing of it."""

import rules

from portal.accounts.models import Role
from portal.accounts.rules import is_city_reviewer, is_provincial_officer
from portal.accounts.selectors import memberships_of


def _orgs(user, role) -> set[int]:
    return {m.organization_id for m in memberships_of(user) if m.role == role}


def cities_of(user) -> set[tuple[str, str]]:
    """(province, city) names of the cities whose commerce bureau the user reviews for."""
    places = set()
    for m in memberships_of(user):
        region = m.organization.region
        if m.role == Role.CITY_REVIEWER and region is not None and region.parent is not None:
            places.add((region.parent.name, region.name))
    return places


@rules.predicate
def is_organiser_of_base(user, base) -> bool:
    return base is not None and base.organiser_id is not None and base.organiser_id in _orgs(
        user, Role.PROVINCIAL_OFFICER)


@rules.predicate
def is_park_of_base(user, base) -> bool:
    return base is not None and base.park_id is not None and base.park_id in _orgs(user, Role.PARK_ADMIN)


@rules.predicate
def is_city_of_base(user, base) -> bool:
    return base is not None and (base.province, base.city) in cities_of(user)


rules.add_perm("monitoring.view_dashboard", is_provincial_officer | is_city_reviewer)
rules.add_perm("monitoring.view_base", is_organiser_of_base | is_park_of_base | is_city_of_base)
rules.add_perm("monitoring.export_reports", is_provincial_officer)
