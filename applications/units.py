"""The recommending unit (推荐单位) of a call: the first tier of the review chain its programme's workflow
definition gives it (workflows/): each city's commerce bureau (provincial bases call), each province's
commerce department (national bases call), each district's (fund)."""

from dataclasses import dataclass

from django.db.models import Q

from portal.accounts.models import Region
from portal.accounts.selectors import memberships_of
from portal.workflow import Tier, workflow_for


@dataclass(frozen=True)
class UnitRoles:
    reviewer_role: str
    reviewer_kind: str
    coreviewer_role: str
    coreviewer_kinds: tuple[str, ...]  # (网信, 工信)


def recommending_tier(call) -> Tier:
    """The tier of the call's review chain that reviews the parks and recommends them."""
    return workflow_for(call).recommending_tier(call)


def unit_roles(call) -> UnitRoles:
    tier = recommending_tier(call)
    return UnitRoles(tier.reviewer_role, tier.reviewer_kind, tier.coreviewer_role, tuple(tier.coreviewer_kinds))


def unit_region_id(call, park) -> int | None:
    """The region of the unit that recommends ``park`` in ``call``: the park's prefecture-level city
    (a 直辖市's city row for its districts), or its province (national call). A park in a district or new
    area belongs to the district's city and province."""
    region = park.region
    if region is None:
        return None
    level = recommending_tier(call).region_level
    if level == Region.Level.CITY:
        if region.level == Region.Level.CITY:
            return region.pk
        city = region.city
        return city.pk if city else None
    if level == Region.Level.PROVINCE:
        if region.level == Region.Level.PROVINCE:
            return region.pk
        if region.level == Region.Level.CITY:
            return region.parent_id
        province = region.province
        return province.pk if province else None
    unit = next((r for r in region.ancestors() if r.level == level), None)
    return unit.pk if unit else None


def unit_regions_of(user, call, *, coreview: bool = False) -> set[int]:
    roles = unit_roles(call)
    if coreview:
        wanted = {(roles.coreviewer_role, kind) for kind in roles.coreviewer_kinds}
    else:
        wanted = {(roles.reviewer_role, roles.reviewer_kind)}
    return {m.organization.region_id for m in memberships_of(user)
            if (m.role, m.organization.kind) in wanted and m.organization.region_id}


def unit_organizations_of(user, call, *, coreview: bool = False) -> list:
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
    level = recommending_tier(call).region_level
    if level == Region.Level.CITY:
        return Q(park__region_id__in=region_ids) | Q(park__region__parent_id__in=region_ids,
                                                     park__region__level=Region.Level.DISTRICT)
    if level == Region.Level.PROVINCE:
        return (Q(park__region_id__in=region_ids) | Q(park__region__parent_id__in=region_ids)
                | Q(park__region__parent__parent_id__in=region_ids))
    return Q(park__region_id__in=region_ids)


def unit_field(call) -> str:
    """The lookup, from an application, of its park's unit region when the park sits directly in it or one
    level below (a city's districts, a province's cities): for counts per unit."""
    level = recommending_tier(call).region_level
    return "park__region__parent_id" if level == Region.Level.PROVINCE else "park__region_id"


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
