"""Read paths of the review: inboxes, co-review lists, recommendations, the organiser's overview."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from applications import units
from applications.models import Application, ApplicationVersion, Call
from portal.accounts.models import Membership, Organization, Region
from portal.workflow import states_in_group
from review.models import CoReview, FormalCheck, PreliminaryReview, Recommendation

# The unit's inbox, over every programme (a call's own: call.states("reviewable")).
REVIEWABLE_STATES = states_in_group("application", "reviewable")


def _latest_version(field: str):
    return Subquery(ApplicationVersion.objects.filter(
        application=OuterRef("pk"), number=OuterRef("latest_version_number")).values(field)[:1])


def inbox(user, call: Call, *, state: str | None = None) -> QuerySet[Application]:
    """The unit's applications for a call, with their latest version's figures, in 2 queries."""
    regions = units.unit_regions_of(user, call)
    qs = Application.objects.filter(units.park_region_filter(call, regions), call=call,
                                    state__in=call.states("reviewable"))
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("park__region").annotate(
        latest_misses=_latest_version("misses"),
        latest_submitted_at=_latest_version("submitted_at"),
    ).order_by("-submitted_at", "pk")


def calls_reviewed_by(user, *, coreview: bool = False) -> list[Call]:
    calls = Call.objects.exclude(status=Call.Status.DRAFT).select_related("organiser") \
        .order_by("-park_deadline")
    return [c for c in calls if units.unit_regions_of(user, c, coreview=coreview)]


def reviews_of(application: Application) -> QuerySet[PreliminaryReview]:
    return PreliminaryReview.objects.filter(application=application) \
        .select_related("reviewer", "version", "organization").order_by("-decided_at", "-id")


def co_reviews_of_version(version: ApplicationVersion) -> QuerySet[CoReview]:
    return CoReview.objects.filter(version=version).select_related("organization", "reviewer")


def coreview_list(user, call: Call) -> QuerySet[Application]:
    """Applications approved by the co-reviewer's unit, with this department's stance."""
    regions = units.unit_regions_of(user, call, coreview=True)
    orgs = units.unit_organizations_of(user, call, coreview=True)
    mine = CoReview.objects.filter(version__application=OuterRef("pk"),
                                   version__number=OuterRef("latest_version_number"),
                                   organization__in=orgs)
    return Application.objects.filter(
        units.park_region_filter(call, regions),
        call=call, state__in=call.states("coreviewable"),
    ).select_related("park__region").annotate(
        my_stance=Subquery(mine.values("stance")[:1]),
        my_opinion=Subquery(mine.values("opinion")[:1]),
    ).order_by("park__name", "pk")


def recommendation_for(call: Call, region_id: int) -> Recommendation | None:
    return Recommendation.objects.filter(call=call, region_id=region_id).select_related(
        "organization", "region", "sent_by").prefetch_related(
        Prefetch("items", queryset=_items())).first()


def _items():
    from review.models import RecommendationItem

    return RecommendationItem.objects.select_related("application__park__region", "version")


def approved_applications(call: Call, region_id: int) -> QuerySet[Application]:
    return Application.objects.filter(
        units.park_region_filter(call, [region_id]),
        call=call, state__in=call.states("coreviewable"),
    ).select_related("park__region").order_by("park__name")


def open_returns(call: Call, region_id: int) -> QuerySet[FormalCheck]:
    """Applications of the unit returned at the formal check and not yet answered by a re-send."""
    of_unit = Application.objects.filter(units.park_region_filter(call, [region_id]), call=call)
    return FormalCheck.objects.filter(
        application__in=of_unit, decision=FormalCheck.Decision.RETURN, resolved_at__isnull=True,
    ).select_related("application__park").order_by("decided_at", "pk")


def open_return_of(application: Application) -> FormalCheck | None:
    return FormalCheck.objects.filter(application=application, decision=FormalCheck.Decision.RETURN,
                                      resolved_at__isnull=True).order_by("-decided_at", "-pk").first()


def concurrences(applications, call: Call) -> dict[int, dict[str, str]]:
    """application id → {department kind: stance} on each application's latest version."""
    roles = units.unit_roles(call)
    result: dict[int, dict[str, str]] = {a.pk: {} for a in applications}
    rows = CoReview.objects.filter(
        version__application__in=[a.pk for a in applications],
        version__number=Subquery(Application.objects.filter(pk=OuterRef("version__application"))
                                 .values("latest_version_number")[:1]),
        organization__kind__in=roles.coreviewer_kinds,
    ).values_list("version__application_id", "organization__kind", "stance")
    for application_id, kind, stance in rows:
        result[application_id][kind] = stance
    return result


def unit_regions_for_call(call: Call) -> QuerySet[Region]:
    """The regions of the call's recommending units (the first tier of its review chain): those under the
    call's region, or every province for a call without one."""
    level = units.recommending_tier(call).region_level
    if call.region_id:
        return Region.objects.filter(parent=call.region, level=level)
    return Region.objects.filter(level=level) if level == Region.Level.PROVINCE else Region.objects.none()


def overview(call: Call) -> list[dict]:
    """Every recommending unit of the call: sent or not, how many parks, how many applications."""
    regions = list(unit_regions_for_call(call).order_by("code"))
    recommendations = {r.region_id: r for r in Recommendation.objects.filter(call=call)
                       .select_related("organization").annotate(parks=Count("items"))}
    field = units.unit_field(call)
    counts = {row[0]: row[1:] for row in Application.objects.filter(call=call).values_list(field).annotate(
        n=Count("pk", filter=Q(state__in=call.states("reviewable"))),
        counted=Count("pk", filter=Q(state__in=call.states("counted")))).values_list(field, "n", "counted")}
    return [{"region": region, "recommendation": recommendations.get(region.pk),
             "applications": counts.get(region.pk, (0, 0))[0],
             "counted": counts.get(region.pk, (0, 0))[1]} for region in regions]


def unit_reviewers(call: Call, region_ids) -> QuerySet[Membership]:
    roles = units.unit_roles(call)
    return Membership.objects.filter(role=roles.reviewer_role, is_active=True,
                                     organization__kind=roles.reviewer_kind,
                                     organization__region_id__in=list(region_ids)).select_related("user")


def unit_organization(call: Call, region_id: int) -> Organization | None:
    return Organization.objects.filter(kind=units.unit_roles(call).reviewer_kind,
                                       region_id=region_id).first()


def co_departments(call: Call, region_id: int) -> list[Organization]:
    return list(Organization.objects.filter(kind__in=units.unit_roles(call).coreviewer_kinds,
                                            region_id=region_id).order_by("kind"))


def days_left(call: Call) -> dict:
    """Calendar and working days left before the recommendation deadline (working days may be
    unknown when the deadline lies in a year the calendar does not cover yet)."""
    from portal.workdays import UnknownYear, unknown_year_message, workdays_between

    today = timezone.localdate()
    deadline = timezone.localtime(call.recommend_deadline).date()
    try:
        working, calendar_error = workdays_between(today, deadline), ""
    except UnknownYear as exc:
        working, calendar_error = None, unknown_year_message(exc.year)
    return {"calendar": (deadline - today).days, "deadline": deadline, "working": working,
            "calendar_error": calendar_error}
