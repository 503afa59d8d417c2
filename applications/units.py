"""The recommending unit (推荐单位) of a call, from its configuration: each city's commerce bureau
(provincial call), or each province's commerce department (national call)."""

from dataclasses import dataclass

from django.db.models import Q

from portal.accounts.models import Organization, Region, Role
from portal.accounts.selectors import memberships_of


@dataclass(frozen=True)
class UnitRoles:
    reviewer_role: str
    reviewer_kind: str
    coreviewer_role: str
    coreviewer_kinds: tuple[str, str]  # (网信, 工信)


CITY_UNIT = UnitRoles(Role.CITY_REVIEWER, Organization.Kind.CITY_COMMERCE, Role.CITY_COREVIEWER,
                      (Organization.Kind.CITY_CAC, Organization.Kind.CITY_MIIT))
PROVINCE_UNIT = UnitRoles(Role.PROVINCIAL_OFFICER, Organization.Kind.PROVINCE_COMMERCE,
                          Role.PROVINCIAL_COREVIEWER,
                          (Organization.Kind.PROVINCE_CAC, Organization.Kind.PROVINCE_MIIT))


def unit_roles(call) -> UnitRoles:
    return CITY_UNIT if call.recommending_tier == "city" else PROVINCE_UNIT


def unit_region_id(call, park) -> int | None:
    """The region of the unit that recommends ``park`` in ``call``: the park's prefecture-level city
    (a 直辖市's city row for its districts), or its province (national call). A park in a district or new
    area belongs to the district's city and province."""
    region = park.region
    if region is None:
        return None
    if call.recommending_tier == "city":
        if region.level == Region.Level.CITY:
            return region.pk
        city = region.city
        return city.pk if city else None
    if region.level == Region.Level.PROVINCE:
        return region.pk
    if region.level == Region.Level.CITY:
        return region.parent_id
    province = region.province
    return province.pk if province else None


def unit_regions_of(user, call, *, coreview: bool = False) -> set[int]:
    roles = unit_roles(call)
    if coreview:
        wanted = {(roles.coreviewer_role, kind) for kind in roles.coreviewer_kinds}
    else:
        wanted = {(roles.reviewer_role, roles.reviewer_kind)}
    return {m.organization.region_id for m in memberships_of(user)
            if (m.role, m.organization.kind) in wanted and m.organization.region_id}


def unit_organizations_of(user, call, *, coreview: bool = False) -> list[Organization]:
    roles = unit_roles(call)
    if coreview:
        wanted = {(roles.coreviewer_role, kind) for kind in roles.coreviewer_kinds}
    else:
        wanted = {(roles.reviewer_role, roles.reviewer_kind)}
    return [m.organization for m in memberships_of(user) if (m.role, m.organization.kind) in wanted]


def is_unit_reviewer(user, application) -> bool:
    return unit_region_id(application.call, application.park) in unit_regions_of(user, application.call)


def is_unit_coreviewer(user, application) -> bool:
    return unit_region_id(application.call, application.park) in unit_regions_of(
        user, application.call, coreview=True)


def park_region_filter(call, region_ids) -> Q:
    """ORM condition selecting the parks of the given unit regions, directly in the region or in a
    district under it (and, for a province, in a district under one of its cities)."""
    region_ids = list(region_ids)
    if call.recommending_tier == "city":
        return Q(park__region_id__in=region_ids) | Q(park__region__parent_id__in=region_ids,
                                                     park__region__level=Region.Level.DISTRICT)
    return (Q(park__region_id__in=region_ids) | Q(park__region__parent_id__in=region_ids)
            | Q(park__region__parent__parent_id__in=region_ids))


def unit_members(call, region_ids, *, coreview: bool = False):
    """Active memberships of the units of ``region_ids``: their reviewers, or their co-reviewing
    departments' staff (网信, 工信)."""
    from portal.accounts.models import Membership

    roles = unit_roles(call)
    if coreview:
        qs = Membership.objects.filter(role=roles.coreviewer_role, organization__kind__in=roles.coreviewer_kinds)
    else:
        qs = Membership.objects.filter(role=roles.reviewer_role, organization__kind=roles.reviewer_kind)
    return qs.filter(is_active=True, organization__region_id__in=list(region_ids)).select_related("user")
