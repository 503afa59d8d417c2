"""Read paths of the re-review: eligible bases, rounds, their bases with the scores, a park's re-reviews.
Every list runs a constant number of queries whatever its length."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from applications.models import Call
from portal.accounts.models import Organization, Role
from portal.accounts.selectors import organizations_for_role
from publicity.models import DesignatedBase, Notice, NoticeItem
from rereview.models import ReReviewItem, ReReviewRound
from review.selectors import experts as expert_selectors

YEARS_BETWEEN = 2


def organiser_level(organiser: Organization) -> str:
    """A ministry organises national rounds; a provincial department of commerce provincial ones."""
    return Call.Level.NATIONAL if organiser.kind == Organization.Kind.MINISTRY else Call.Level.PROVINCIAL


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def eligible_bases(organiser: Organization, *, on: date) -> QuerySet[DesignatedBase]:
    """The bases ``organiser`` may re-review on ``on``: its own (the department that designated them), designated
    two years or more before (the designation document's date; a batch designated before the portal counts from
    the end of its year), not re-reviewed in a round of the last two years, on the register or under rectification,
    and with a park that can be the applicant."""
    cutoff = _years_before(on, YEARS_BETWEEN)
    last_year = cutoff.year if (cutoff.month, cutoff.day) == (12, 31) else cutoff.year - 1
    qs = DesignatedBase.objects.filter(organiser=organiser, park__isnull=False, status__in=[
        DesignatedBase.Status.ACTIVE, DesignatedBase.Status.RECTIFICATION]).filter(
        Q(designation__document_date__lte=cutoff) | Q(designation__isnull=True, year__lte=last_year))
    recent = ReReviewItem.objects.filter(base=OuterRef("pk"), round__reference_date__gt=cutoff)
    return qs.exclude(Exists(recent)).select_related("designation", "park").order_by("-year", "name", "pk")


def rounds_managed_by(user) -> QuerySet[ReReviewRound]:
    orgs = organizations_for_role(user, Role.PROVINCIAL_OFFICER)
    return ReReviewRound.objects.filter(call__organiser__in=orgs).select_related("call", "revocation").annotate(
        n_bases=Count("items", distinct=True),
        n_decided=Count("items", filter=~Q(items__outcome=""), distinct=True),
        n_failed=Count("items", filter=Q(items__outcome=ReReviewItem.Outcome.FAILED), distinct=True),
    ).order_by("-reference_date", "-pk")


def round_for_view(pk: int) -> ReReviewRound:
    return ReReviewRound.objects.select_related("call__organiser", "started_by").get(pk=pk)


def round_items(rnd: ReReviewRound) -> QuerySet[ReReviewItem]:
    return ReReviewItem.objects.filter(round=rnd).select_related(
        "base", "application__park__region", "decided_by").order_by("base__name", "pk")


def round_counts(rnd: ReReviewRound) -> dict:
    return ReReviewItem.objects.filter(round=rnd).aggregate(
        total=Count("pk"), decided=Count("pk", filter=~Q(outcome="")),
        failed=Count("pk", filter=Q(outcome=ReReviewItem.Outcome.FAILED)))


def round_rows(rnd: ReReviewRound, items) -> list[dict]:
    """``items`` (one page of the round's bases) with the experts' scores (review's ranking of the round's call,
    its own few queries), the sheets submitted, and whether an objection to the base's failure was upheld."""
    items = list(items)
    ranked = {row["application"].pk: row for row in expert_selectors.ranking(rnd.call)}
    notice = live_notice(rnd)
    removed = set()
    if notice is not None:
        removed = set(NoticeItem.objects.filter(notice=notice, removed=True).values_list("application_id", flat=True))
    rows = []
    for item in items:
        row = ranked.get(item.application_id, {})
        rows.append({"item": item, "rank": row.get("rank"), "score": row.get("score"), "n": row.get("n", 0),
                     "range": row.get("range"), "flagged": row.get("flagged", False),
                     "upheld": item.application_id in removed})
    return rows


def live_notice(rnd: ReReviewRound) -> Notice | None:
    return Notice.objects.filter(call_id=rnd.call_id).exclude(status=Notice.Status.WITHDRAWN).order_by("-pk").first()


def items_of_parks(parks) -> QuerySet[ReReviewItem]:
    """A park's re-reviews: its bases, the outcome, the round (never the experts)."""
    return ReReviewItem.objects.filter(application__park__in=parks).select_related(
        "round__call", "base", "application").order_by("-round__reference_date", "pk")


def item_for_view(pk: int) -> ReReviewItem:
    return ReReviewItem.objects.select_related("round__call__organiser", "base", "application__park",
                                               "application__call").get(pk=pk)
