"""Read paths of the bases' life and reports, per audience, each a constant number of queries.

    public_bases() -> QuerySet[DesignatedBase]        every base, revoked ones included (the public directory)
    bases_visible_to(user) -> QuerySet[DesignatedBase] the bases a staff user deals with
    status_history(bases) -> dict[base_id, list[BaseStatusChange]]   one query for a page of bases
    reports_visible_to(user) -> QuerySet[AnnualReport]
    periods_visible_to(user) -> QuerySet[ReportingPeriod]
    park_admins(park_id) -> list[User]                 who is told of a base's status and its reports
    organiser_officers(organization_id) -> list[User]  who is told of a submitted report
"""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from bases.models import AnnualReport, AnnualReportVersion, BaseStatusChange, ReportEvidence, ReportingPeriod
from portal.accounts.models import Membership, Role
from portal.accounts.selectors import memberships_of
from portal.accounts.selectors import organization_ids_for_role as _orgs
from publicity.models import DesignatedBase


def park_admins(park_id) -> list:
    """The active administrators of a base's park."""
    if park_id is None:
        return []
    return [m.user for m in Membership.objects.filter(
        organization_id=park_id, role=Role.PARK_ADMIN, is_active=True, user__is_active=True).select_related("user")]


def organiser_officers(organization_id) -> list:
    """The active provincial officers of a base's organiser."""
    return [m.user for m in Membership.objects.filter(
        organization_id=organization_id, role=Role.PROVINCIAL_OFFICER, is_active=True,
        user__is_active=True).select_related("user")]


def _city_regions(user) -> set[int]:
    return {m.organization.region_id for m in memberships_of(user)
            if m.role == Role.CITY_REVIEWER and m.organization.region_id}


def _base_scope(user, prefix: str = "") -> Q:
    """The bases ``user`` deals with: as organiser (provincial officer of the designating department), as the
    base's park, or as the commerce bureau of the park's city. ``prefix`` points at the base from another model."""
    p = prefix
    scope = Q(pk__in=[])
    officer_orgs = _orgs(user, Role.PROVINCIAL_OFFICER)
    if officer_orgs:
        scope |= Q(**{f"{p}organiser_id__in": officer_orgs})
    park_orgs = _orgs(user, Role.PARK_ADMIN)
    if park_orgs:
        scope |= Q(**{f"{p}park_id__in": park_orgs})
    cities = _city_regions(user)
    if cities:
        scope |= Q(**{f"{p}park__region_id__in": cities}) | Q(**{f"{p}park__region__parent_id__in": cities,
                                                                  f"{p}park__region__level": "district"})
    return scope


def public_bases() -> QuerySet[DesignatedBase]:
    """The public directory: every base, revoked ones included, newest batch first."""
    return DesignatedBase.objects.select_related("designation").order_by("-year", "level", "batch", "pk")


def bases_visible_to(user) -> QuerySet[DesignatedBase]:
    if not user.is_authenticated:
        return DesignatedBase.objects.none()
    return DesignatedBase.objects.filter(_base_scope(user)).select_related("park", "organiser") \
        .order_by("-year", "level", "batch", "pk")


def status_history(bases) -> dict[int, list[BaseStatusChange]]:
    """The status changes of ``bases`` (a page of them), oldest first, in one query."""
    ids = [b.pk for b in bases]
    history: dict[int, list[BaseStatusChange]] = defaultdict(list)
    if not ids:
        return history
    for change in BaseStatusChange.objects.filter(base_id__in=ids).order_by("decided_at", "id"):
        history[change.base_id].append(change)
    return history


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    """The park sees its reports; the organiser those of its bases; the city bureau those of its city's bases once
    submitted (read only)."""
    if not user.is_authenticated:
        return AnnualReport.objects.none()
    scope = Q(pk__in=[])
    officer_orgs = _orgs(user, Role.PROVINCIAL_OFFICER)
    if officer_orgs:
        scope |= Q(base__organiser_id__in=officer_orgs)
    park_orgs = _orgs(user, Role.PARK_ADMIN)
    if park_orgs:
        scope |= Q(base__park_id__in=park_orgs)
    cities = _city_regions(user)
    if cities:
        scope |= (Q(base__park__region_id__in=cities) | Q(base__park__region__parent_id__in=cities,
                                                          base__park__region__level="district")) \
            & Q(latest_version_number__gt=0)
    return AnnualReport.objects.filter(scope).select_related("period", "base__park", "base__organiser") \
        .annotate(evidence_count=Count("evidence", filter=Q(evidence__removed_at__isnull=True))) \
        .order_by("-period__year", "base__name", "pk")


def periods_visible_to(user) -> QuerySet[ReportingPeriod]:
    """The reporting periods the organiser opened, with their counts per status."""
    officer_orgs = _orgs(user, Role.PROVINCIAL_OFFICER) if user.is_authenticated else set()
    return ReportingPeriod.objects.filter(organiser_id__in=officer_orgs).select_related("organiser").annotate(
        n_reports=Count("reports"),
        n_submitted=Count("reports", filter=Q(reports__status=AnnualReport.Status.SUBMITTED)),
        n_accepted=Count("reports", filter=Q(reports__status=AnnualReport.Status.ACCEPTED)),
    ).order_by("-year", "pk")


def active_evidence(report: AnnualReport) -> QuerySet[ReportEvidence]:
    return ReportEvidence.objects.filter(report=report, removed_at__isnull=True).order_by("uploaded_at", "id")


def versions_of(report: AnnualReport) -> QuerySet[AnnualReportVersion]:
    return AnnualReportVersion.objects.filter(report=report).select_related("submitted_by").order_by("-number")


def evidence_in_a_version(evidence: ReportEvidence) -> bool:
    return any(a.get("id") == evidence.pk for attachments in AnnualReportVersion.objects.filter(
        report_id=evidence.report_id).values_list("attachments", flat=True) for a in attachments)
