"""Read paths of the statistics dashboard. Every page runs a fixed number of queries: the bases of the
page (one query), the accepted reports of every base in scope as plain rows (one query) for the yearly
totals and the page's bases; ``monitoring.statistics`` computes the rest in Python."""

from __future__ import annotations

from django.db.models import QuerySet

from bases.indicators import INDICATOR_FIELDS
from bases.models import AnnualReport
from bases.selectors import bases_visible_to
from portal.accounts.models import Role
from portal.accounts.selectors import organization_ids_for_role
from publicity.models import DesignatedBase


def organisations_of(user) -> set[int]:
    """The organisers (provincial or national commerce departments) the user works for."""
    return organization_ids_for_role(user, Role.PROVINCIAL_OFFICER)


def dashboard_bases(user) -> QuerySet[DesignatedBase]:
    """The bases of the user's dashboard (``bases.selectors.bases_visible_to``: those its department designated,
    those in its city for a city commerce bureau), in the order of the directory's places."""
    return bases_visible_to(user).order_by("level", "province", "city", "name", "pk")


def bases_of_park(user) -> list[DesignatedBase]:
    parks = organization_ids_for_role(user, Role.PARK_ADMIN)
    return list(DesignatedBase.objects.filter(park_id__in=parks).order_by("name")) if parks else []


def accepted_rows(bases) -> list[dict]:
    """The accepted annual reports of ``bases`` (a queryset of ids or a list of them) as plain rows for
    ``monitoring.statistics``: ``base`` (the id), ``year`` and every indicator. One query."""
    return [
        {"base": row.pop("base_id"), "year": row.pop("period__year"), **row}
        for row in AnnualReport.objects.filter(base__in=bases, status=AnnualReport.Status.ACCEPTED)
        .values("base_id", "period__year", *INDICATOR_FIELDS).order_by("period__year", "base_id")
    ]
