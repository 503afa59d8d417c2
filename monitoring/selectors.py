"""Read paths of the statistics dashboard. Every page runs a fixed number of queries: the bases of the
page (one query), their accepted reports as plain rows (one query), and the rows of every base in scope
for the yearly totals (one query); ``monitoring.statistics`` computes the rest in Python."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bases.indicators import INDICATOR_FIELDS
from bases.models import AnnualReport
from monitoring.rules import _orgs, cities_of
from portal.accounts.models import Role
from publicity.models import DesignatedBase


def organisations_of(user) -> set[int]:
    """The organisers (provincial or national commerce departments) the user works for."""
    return _orgs(user, Role.PROVINCIAL_OFFICER)


def _city_condition(user) -> Q | None:
    condition = None
    for province, city in sorted(cities_of(user)):
        part = Q(province=province, city=city)
        condition = part if condition is None else condition | part
    return condition


def dashboard_bases(user) -> QuerySet[DesignatedBase]:
    """The bases of the user's dashboard: those its department designated, and, for a city commerce
    bureau, those in its city (read-only). Never a park's: a park sees its own base's page only."""
    condition = Q(organiser_id__in=organisations_of(user)) if organisations_of(user) else None
    city = _city_condition(user)
    if city is not None:
        condition = city if condition is None else condition | city
    if condition is None:
        return DesignatedBase.objects.none()
    return DesignatedBase.objects.filter(condition).order_by("level", "province", "city", "name", "pk")


def bases_visible_to(user) -> QuerySet[DesignatedBase]:
    """Every base whose statistics page the user may open (dashboard bases and the park's own)."""
    parks = _orgs(user, Role.PARK_ADMIN)
    own = DesignatedBase.objects.filter(park_id__in=parks) if parks else DesignatedBase.objects.none()
    return (dashboard_bases(user) | own).distinct()


def bases_of_park(user) -> list[DesignatedBase]:
    parks = _orgs(user, Role.PARK_ADMIN)
    return list(DesignatedBase.objects.filter(park_id__in=parks).order_by("name")) if parks else []


def accepted_rows(bases) -> list[dict]:
    """The accepted annual reports of ``bases`` (a queryset or a list of ids) as plain rows for
    ``monitoring.statistics``: ``base`` (the id), ``year`` and every indicator. One query."""
    return [
        {"base": row.pop("base_id"), "year": row.pop("period__year"), **row}
        for row in AnnualReport.objects.filter(base__in=bases, status=AnnualReport.Status.ACCEPTED)
        .values("base_id", "period__year", *INDICATOR_FIELDS).order_by("period__year", "base_id")
    ]
