"""Read paths of the fund programme, one per audience: the enterprise, its district's bureau, the city bureau,
the public (the plan on notice). Lists run a constant number of queries whatever their length."""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from applications.models import Application, Call
from funds.models import FundItem, FundPlan, FundReview, ItemRequest, PlanObjection
from funds.spec import FUND
from portal.accounts.models import Organization, Role
from portal.accounts.selectors import memberships_of
from portal.workflow import get_workflow, states_in_group


def _states(group: str) -> list[str]:
    return states_in_group("application", group, workflow=get_workflow(FUND))


def fund_calls() -> QuerySet[Call]:
    return Call.objects.filter(programme=FUND)


def open_fund_calls() -> QuerySet[Call]:
    return fund_calls().filter(status=Call.Status.OPEN, park_deadline__gt=timezone.now()) \
        .select_related("organiser").order_by("park_deadline")


def enterprises_of(user) -> list[Organization]:
    return [m.organization for m in memberships_of(user)
            if m.role == Role.ENTERPRISE_APPLICANT and m.organization.kind == Organization.Kind.ENTERPRISE]


def district_regions_of(user) -> set[int]:
    return {m.organization.region_id for m in memberships_of(user)
            if m.role == Role.DISTRICT_REVIEWER and m.organization.kind == Organization.Kind.DISTRICT_COMMERCE
            and m.organization.region_id}


def calls_run_by(user) -> QuerySet[Call]:
    organisers = [m.organization_id for m in memberships_of(user) if m.role == Role.FUND_OFFICER]
    return fund_calls().filter(organiser_id__in=organisers).select_related("organiser").order_by("-park_deadline")


def _with_items(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related("call", "park__region").prefetch_related(
        Prefetch("item_requests", queryset=ItemRequest.objects.select_related("item").order_by("item__order")))


def applications_of_enterprises(user) -> QuerySet[Application]:
    return _with_items(Application.objects.filter(call__programme=FUND, park__in=enterprises_of(user))) \
        .order_by("-updated_at", "-id")


def district_inbox(user) -> QuerySet[Application]:
    """The submitted applications of the enterprises in the reviewer's districts (never a draft, never another
    district's)."""
    return _with_items(Application.objects.filter(
        call__programme=FUND, park__region_id__in=district_regions_of(user)).exclude(
        state__in=_states("editable"))).order_by("state", "-submitted_at", "-id")


def city_applications(call: Call) -> QuerySet[Application]:
    """The applications of a call that passed their district's review (and beyond)."""
    return _with_items(Application.objects.filter(call=call, state__in=_states("city_visible"))) \
        .order_by("park__region__code", "park__name")


def items_of(call: Call) -> QuerySet[FundItem]:
    return FundItem.objects.filter(call=call).annotate(
        requested=Count("requests", filter=~Q(requests__application__state__in=_states("editable"))))


def plan_rows(call: Call) -> list[ItemRequest]:
    """The plan's rows: the active items of reviewed applications with support proposed, by district and name."""
    return list(ItemRequest.objects.filter(
        application__call=call, application__state__in=_states("in_plan"), status=ItemRequest.Status.ACTIVE,
        approved_amount__gt=0).select_related("item", "application__park__region")
        .order_by("application__park__region__code", "application__park__name", "item__order"))


def cancelled_rows(call: Call) -> list[ItemRequest]:
    return list(ItemRequest.objects.filter(application__call=call, status=ItemRequest.Status.CANCELLED)
                .select_related("item", "application__park").order_by("application__park__name", "item__order"))


def plan_total(rows: list[ItemRequest]):
    return sum((r.approved_amount for r in rows), start=0)


def plan_of(call: Call) -> FundPlan | None:
    return FundPlan.objects.filter(call=call).select_related("call__organiser").first()


def objections_open(plan: FundPlan | None) -> bool:
    """Is the plan on public notice today (公示期内), so that anyone may object to one of its items?"""
    if plan is None or plan.state != "publicity" or plan.publicity_start is None:
        return False
    return plan.publicity_start <= timezone.localdate() <= plan.publicity_end


def objections_of(plan: FundPlan) -> QuerySet[PlanObjection]:
    return plan.objections.select_related("item_request__item", "item_request__application__park") \
        .order_by("received_on", "id")


def objections_past_retention(cutoff) -> QuerySet[PlanObjection]:
    """The online objections whose objectors' numbers are due for erasure: to plans issued on or before ``cutoff``
    (the bases' rule: OBJECTOR_DATA_RETENTION_YEARS after the final document, publicity.services)."""
    return PlanObjection.objects.filter(channel=PlanObjection.Channel.ONLINE, plan__state="issued",
                                        plan__document_date__lte=cutoff)


def find_objection(plan: FundPlan, *, tracking_code: str, phone: str) -> PlanObjection | None:
    """The objector's look-up: an online objection to this plan whose tracking code and phone both match."""
    from publicity.services import find_tracked

    return find_tracked(plan.objections.select_related("item_request__item", "item_request__application__park"),
                        tracking_code=tracking_code, phone=phone)


def public_plans() -> QuerySet[FundPlan]:
    """Plans the public may read: on notice, and after it."""
    return FundPlan.objects.exclude(state="draft").select_related("call__organiser").order_by("-publicity_start")


def reviews_of(application: Application) -> QuerySet[FundReview]:
    return FundReview.objects.filter(application=application).select_related("organization", "reviewer")


def totals_by_item(call: Call) -> dict[int, dict]:
    rows = ItemRequest.objects.filter(application__call=call, approved_amount__gt=0,
                                      status=ItemRequest.Status.ACTIVE).values("item_id").annotate(
        n=Count("id"), total=Sum("approved_amount"))
    return {r["item_id"]: r for r in rows}
