"""Read paths of the expert review: the pool, conflicts, assignments, tasks, and the ranking."""

import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    StdDev,
    Subquery,
    Sum,
)

from applications.models import Application, Call, RankingMethod
from portal.workflow import states_in_group
from review.models import (
    AlternateExpert,
    Assignment,
    CandidateList,
    Conflict,
    ExpertDraw,
    ExpertProfile,
    FormalCheck,
    PanelOpinion,
    RankingRow,
    RankingSnapshot,
    RubricCriterion,
    ScoreSheet,
)

# Scored and ranked, over every programme (a call's own: call.states("rankable")).
RANKABLE_STATES = states_in_group("application", "rankable")


def expert_pool(*, active_only: bool = False) -> QuerySet[ExpertProfile]:
    qs = ExpertProfile.objects.select_related("user", "employer", "region")
    if active_only:
        qs = qs.filter(is_active=True, user__is_active=True)
    return qs.order_by("user__full_name", "pk")


def formal_check_list(call: Call) -> QuerySet[Application]:
    last = FormalCheck.objects.filter(application=OuterRef("pk")).order_by("-decided_at", "-pk")
    return Application.objects.filter(
        call=call, state__in=call.states("with_organiser"),
    ).select_related("park__region").annotate(
        last_check=Subquery(last.values("decision")[:1]),
    ).order_by("park__region__code", "park__name")


def open_returns_of_call(call: Call) -> QuerySet[FormalCheck]:
    """Every return of the formal check in the call not yet answered by a re-send, for the organiser."""
    return FormalCheck.objects.filter(application__call=call, decision=FormalCheck.Decision.RETURN,
                                      resolved_at__isnull=True).select_related("application__park__region") \
        .order_by("resend_deadline", "pk")


def applications_for_review(call: Call) -> QuerySet[Application]:
    return Application.objects.filter(call=call, state__in=call.states("rankable")).select_related("park__region")


def conflicts_of(call: Call) -> QuerySet[Conflict]:
    return Conflict.objects.filter(application__call=call).select_related(
        "expert__user", "expert__employer", "application__park").order_by("status", "application__park__name")


def blocking_pairs(call: Call) -> set[tuple[int, int]]:
    """(application id, expert id) pairs that must never be assigned."""
    return set(Conflict.objects.filter(application__call=call).exclude(status=Conflict.Status.DISMISSED)
               .values_list("application_id", "expert_id"))


def assignments_of(call: Call) -> QuerySet[Assignment]:
    return Assignment.objects.filter(call=call).select_related(
        "expert__user", "application__park", "sheet").order_by("application__park__name", "expert__user__full_name")


def loads(call: Call) -> dict[int, int]:
    return dict(Assignment.objects.filter(call=call).values_list("expert").annotate(n=Count("pk")))


def latest_draw(call: Call) -> ExpertDraw | None:
    return ExpertDraw.objects.filter(call=call).select_related("drawn_by").first()


def alternates_of(draw: ExpertDraw | None, application_ids=None) -> dict[int, list[AlternateExpert]]:
    """application id -> the draw's alternates in order (one query)."""
    if draw is None:
        return {}
    alternates = AlternateExpert.objects.filter(draw=draw)
    if application_ids is not None:
        alternates = alternates.filter(application__in=list(application_ids))
    by_application: dict[int, list[AlternateExpert]] = {}
    for alternate in alternates.select_related("expert__user").order_by("application_id", "position"):
        by_application.setdefault(alternate.application_id, []).append(alternate)
    return by_application


def tasks_of(user) -> QuerySet[Assignment]:
    sheet_status = ScoreSheet.objects.filter(assignment=OuterRef("pk")).values("status")[:1]
    return Assignment.objects.filter(expert__user=user).select_related(
        "application__park", "call", "version").annotate(sheet_status=Subquery(sheet_status)) \
        .order_by("deadline", "pk")


def rubric_of(call: Call) -> list[RubricCriterion]:
    return list(RubricCriterion.objects.filter(call=call).order_by("order", "pk"))


def scoring_started(call: Call) -> bool:
    return ScoreSheet.objects.filter(assignment__call=call).exists()


def scoring_open(call: Call) -> bool:
    """Scoring is open until every assignment has a submitted sheet (and the list is proposed)."""
    candidate = CandidateList.objects.filter(call=call).first()
    if candidate and candidate.status != CandidateList.Status.DRAFT:
        return False
    total = Assignment.objects.filter(call=call).count()
    submitted = ScoreSheet.objects.filter(assignment__call=call, status=ScoreSheet.Status.SUBMITTED).count()
    return total == 0 or submitted < total


# --- ranking -------------------------------------------------------------------------------------

class Median(Aggregate):
    """PERCENTILE_CONT(0.5) on PostgreSQL."""

    function = "PERCENTILE_CONT"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


TWO = Decimal("0.01")


def _q(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def ranking(call: Call) -> list[dict]:
    """Per application: sheets, mean, median, trimmed mean, standard deviation, range; ranked by the
    call's method. Three queries whatever the number of applications and sheets.

    Tie rule (documented on the page): equal scores are ordered by the higher median, then the
    higher lowest score, then the earlier submission of the version reviewed, then the lower
    application number.
    """
    submitted = Q(score_sheets__status=ScoreSheet.Status.SUBMITTED)
    aggregates = {
        "n": Count("score_sheets", filter=submitted),
        "mean": Avg("score_sheets__total", filter=submitted, output_field=FloatField()),
        "total_sum": Sum("score_sheets__total", filter=submitted, output_field=DecimalField()),
        "lowest": Min("score_sheets__total", filter=submitted),
        "highest": Max("score_sheets__total", filter=submitted),
        "sd": StdDev("score_sheets__total", filter=submitted, sample=True, output_field=FloatField()),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["median"] = Median("score_sheets__total", filter=submitted)
    rows = list(applications_for_review(call).annotate(**aggregates).order_by("pk"))
    if not postgres:  # SQLite (make run): the medians from one more query
        totals: dict[int, list[float]] = {}
        for app_id, total in ScoreSheet.objects.filter(
                application__in=[r.pk for r in rows], status=ScoreSheet.Status.SUBMITTED
        ).values_list("application_id", "total"):
            totals.setdefault(app_id, []).append(float(total))
        for row in rows:
            row.median = statistics.median(totals[row.pk]) if row.pk in totals else None
    opinions = {o.application_id: o.text for o in PanelOpinion.objects.filter(application__call=call)}
    result = []
    for row in rows:
        n = row.n
        trimmed = None
        if n >= 5:
            trimmed = (row.total_sum - row.highest - row.lowest) / (n - 2)
        elif n:
            trimmed = row.total_sum / n
        spread = (row.highest - row.lowest) if n else None
        result.append({
            "application": row, "n": n, "mean": _q(row.mean), "median": _q(row.median),
            "trimmed_mean": _q(trimmed), "sd": _q(row.sd), "lowest": row.lowest, "highest": row.highest,
            "range": spread, "flagged": spread is not None and spread > call.score_range_flag,
            "panel_opinion": opinions.get(row.pk, ""),
        })
    key = {RankingMethod.TRIMMED_MEAN: "trimmed_mean", RankingMethod.MEAN: "mean",
           RankingMethod.MEDIAN: "median"}[call.ranking_method]
    minus_infinity = Decimal("-1e9")

    def order(item):
        app = item["application"]
        return (-(item[key] if item[key] is not None else minus_infinity),
                -(item["median"] if item["median"] is not None else minus_infinity),
                -(item["lowest"] if item["lowest"] is not None else minus_infinity),
                app.submitted_at.timestamp() if app.submitted_at else 0, app.pk)

    result.sort(key=order)
    for rank, item in enumerate(result, start=1):
        item["rank"] = rank if item["n"] else None
        item["score"] = item[key]
    return result


def ranking_snapshot(call: Call) -> RankingSnapshot | None:
    return RankingSnapshot.objects.filter(call=call).first()


def ranking_rows(snapshot: RankingSnapshot) -> QuerySet[RankingRow]:
    """The stored ranking in page order; paginate it (the page reads only the rows it draws)."""
    return RankingRow.objects.filter(snapshot=snapshot).select_related("application__park__region") \
        .order_by("position")


def panel_opinions(application_ids) -> dict[int, str]:
    return dict(PanelOpinion.objects.filter(application__in=list(application_ids))
                .values_list("application_id", "text"))


def ranking_page_version(call: Call, application_ids) -> tuple:
    """What a page of the ranking shows that changes without a new stored ranking: the score sheets of
    these applications (their number and latest change: drafts, reopened sheets, the strip charts) and
    their panel opinions (latest change). Two queries."""
    ids = list(application_ids)
    sheets = ScoreSheet.objects.filter(assignment__call=call, application_id__in=ids).aggregate(
        n=Count("pk"), latest=Max("updated_at"))
    opinions = PanelOpinion.objects.filter(application_id__in=ids).aggregate(n=Count("pk"), latest=Max("updated_at"))
    return (sheets["n"], str(sheets["latest"]), opinions["n"], str(opinions["latest"]))


def sheets_for_chart(call: Call, application_ids=None) -> dict[int, list[Decimal]]:
    """application id → submitted totals, for the strip chart on the ranking page (one query)."""
    totals: dict[int, list[Decimal]] = {}
    sheets = ScoreSheet.objects.filter(assignment__call=call, status=ScoreSheet.Status.SUBMITTED)
    if application_ids is not None:
        sheets = sheets.filter(application_id__in=list(application_ids))
    for app_id, total in sheets.values_list("application_id", "total").order_by("application_id", "total"):
        totals.setdefault(app_id, []).append(total)
    return totals


def candidate_list_of(call: Call) -> CandidateList | None:
    return CandidateList.objects.filter(call=call).prefetch_related("items__application__park__region",
                                                                    "concurrences__organization").first()


def discussion_of(application: Application):
    from review.models import DiscussionPost

    return DiscussionPost.objects.filter(application=application).select_related("author").order_by("created_at", "pk")


def panel_sheets(panel, applications) -> dict[int, list]:
    """Application id → the submitted sheets of the panel's members (and leader), for the leader
    writing the panel opinion."""
    if panel is None:
        return {}
    members = set(panel.members.values_list("pk", flat=True)) | ({panel.leader_id} if panel.leader_id else set())
    result: dict[int, list] = {}
    for sheet in ScoreSheet.objects.filter(application__in=applications, status=ScoreSheet.Status.SUBMITTED,
                                           assignment__expert__in=members).select_related(
            "assignment__expert__user").order_by("assignment__expert__user__full_name", "pk"):
        result.setdefault(sheet.application_id, []).append(sheet)
    return result
