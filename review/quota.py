"""Quota accounting (推荐名额) of a recommending unit.

Seed 000, 三(二): "每个地级以上市推荐园区数量不超过5个". Seed 001, 三: "每个服务外包示范城市和服务贸易
创新发展试点地区推荐1个园区". The rule holds at every moment, not only when a list is sent: the parks
of a unit that are recommended or beyond (the states in COUNTED_STATES; returned, rejected and
withdrawn ones do not count) never exceed the quota. Every change that can add to that count locks
the unit's Recommendation row first (see review.services.city), so two requests cannot both pass.

The national call counts per *place* (名额单位): the nearest region, from the park's own region
upward, that is a service outsourcing demonstration city or a service trade pilot area. A district
or new area that is a pilot area (e.g. 南京江北新区) is its own place; a city that is both a
demonstration city and a pilot area is one place; a 直辖市, loaded as a province and as a city,
counts once because only the nearest flagged region is taken. The code reads ``level`` and
``parent`` only, never region names.
"""

from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from applications import units
from applications.models import Application, Call
from portal.workflow import states_in_group

# Recommended or beyond: the parks that occupy a place of the quota.
# (the workflow definitions' group "counted"; a call's own: call.states("counted"))
COUNTED_STATES = tuple(states_in_group("application", "counted"))


def quota_place(region):
    """The place whose national quota a park in ``region`` uses, or None when there is none."""
    for candidate in region.ancestors() if region is not None else []:
        if candidate.is_outsourcing_demo_city or candidate.is_trade_pilot:
            return candidate
    return None


def counted_applications(call: Call, region_id: int, *, exclude=()) -> list[Application]:
    """The unit's applications that occupy a place now (recommended or beyond)."""
    return list(Application.objects.filter(
        units.park_region_filter(call, [region_id]), call=call, state__in=call.states("counted"),
    ).exclude(pk__in=[a.pk if hasattr(a, "pk") else a for a in exclude])
        .select_related("park__region__parent__parent"))


def check_quota(call: Call, applications: list[Application]) -> None:
    """Refuse a set of parks (all those that would be recommended or beyond) above the quota."""
    quota = call.quota_per_unit
    if not units.recommending_tier(call).quota_by_pilot_place:
        if len(applications) > quota:
            raise ValidationError(
                _("At most %(quota)s parks may be recommended per city; the list has %(n)s.")
                % {"quota": quota, "n": len(applications)}, code="quota")
        return
    places = []
    for application in applications:
        place = quota_place(application.park.region)
        if place is None:
            raise ValidationError(
                _("%(park)s is not in a service outsourcing demonstration city or service trade "
                  "pilot area, so it cannot be recommended to this call.")
                % {"park": application.park.name}, code="not_pilot")
        places.append(place)
    for place, n in Counter(places).items():
        if n > quota:
            raise ValidationError(
                _("At most %(quota)s park per pilot city may be recommended; %(city)s has %(n)s.")
                % {"quota": quota, "city": place.name, "n": n}, code="quota")


def check_unit_quota(call: Call, region_id: int, adding: list[Application]) -> None:
    """The unit's parks already recommended or beyond, plus ``adding``, within the quota."""
    standing = counted_applications(call, region_id, exclude=adding)
    check_quota(call, standing + list(adding))
