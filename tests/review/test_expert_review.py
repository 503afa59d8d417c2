"""The organiser's expert review: formal check, pool import, conflicts, assignment, scoring, ranking."""

import io
import statistics
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from applications.models import Application, Call
from portal.accounts.models import Organization, Region, User
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from review import services
from review.models import (
    AlternateExpert,
    Assignment,
    CandidateList,
    Conflict,
    ExpertDraw,
    ExpertProfile,
    FormalCheck,
    RankingRow,
    RankingSnapshot,
    Recommendation,
    ScoreSheet,
)
from review.selectors.experts import ranking
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db

EXPERTS = ["expert_chen", "expert_zhou", "expert_li", "expert_huang", "expert_xu"]


def make_expert(user: User, *, employer=None, region_code=None, specialties=("software",), max_load=20,
                relations="") -> ExpertProfile:
    employer = employer or user.memberships.get(role="expert").organization
    region = Region.objects.get(code=region_code) if region_code else None
    return ExpertProfile.objects.create(user=user, employer=employer, region=region, specialties=list(specialties),
                                        max_load=max_load, declared_relations=relations, title="教授")


@pytest.fixture
def experts(demo, user_named):
    # Employers are in 广州 (华南理工, 中山, 广外), 深圳 and 汕头: give the experts explicit cities.
    cities = {"expert_chen": "440100", "expert_zhou": "440100", "expert_li": "440300",
              "expert_huang": "440500", "expert_xu": "440100"}
    return [make_expert(user_named(u), region_code=cities[u]) for u in EXPERTS]


@pytest.fixture
def officer(user_named):
    return user_named("gd_officer")


@pytest.fixture
def passed(gd_call, user_named):
    """Three applications of parks in 佛山 (no expert is based there) that passed the formal check."""
    return bulk_applications(gd_call, extra_parks("440600", 3, "佛山园区"), "formal_passed",
                             user_named("park_huangpu"))


def _sheet(assignment, total_scores: list[str], *, submit=True):
    from review.selectors.experts import rubric_of

    scores = {str(c.pk): v for c, v in zip(rubric_of(assignment.call), total_scores, strict=False)}
    services.confirm_no_conflict(assignment=assignment, user=assignment.expert.user)
    return services.save_sheet(assignment=assignment, user=assignment.expert.user, scores=scores, comment="意见",
                               submit=submit)


# --- formal check --------------------------------------------------------------------------------

def test_formal_check_pass_and_return_to_the_unit(submit_for, user_named, officer, client_for):
    from review.services import co_review, decide, save_recommendation, send_recommendation

    applications = [submit_for("park_huangpu"), submit_for("park_pazhou")]
    city = user_named("city_gz")
    for a in applications:
        decide(application=a, version_number=1, user=city, decision="approve",
               checklist={f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)})
        for u in ("gz_cac", "gz_miit"):
            co_review(application=a, user=user_named(u), stance="concur", opinion="同意")
    save_recommendation(call=applications[0].call, user=city, application_ids=[a.pk for a in applications])
    send_recommendation(call=applications[0].call, user=city, letter_number="穗商务函〔2026〕2号")
    c = client_for("gd_officer")
    url = reverse("review:formal-decide", args=[applications[0].pk])
    assert c.post(url, {f"a{applications[0].pk}-decision": "pass"}).status_code == 302
    bad = c.post(reverse("review:formal-decide", args=[applications[1].pk]),
                 {f"a{applications[1].pk}-decision": "return", f"a{applications[1].pk}-reason": ""})
    assert bad.status_code == 400
    c.post(reverse("review:formal-decide", args=[applications[1].pk]),
           {f"a{applications[1].pk}-decision": "return", f"a{applications[1].pk}-reason": "缺少盖章页",
            f"a{applications[1].pk}-resend_deadline": (timezone.localtime() + timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M")})
    for a in applications:
        a.refresh_from_db()
    assert applications[0].state == "formal_passed"
    assert applications[1].state == "approved"
    # Only the returned application goes back to the unit: the list stays sent, with the other park.
    recommendation = Recommendation.objects.get(call=applications[0].call)
    assert recommendation.status == "sent"
    returned = FormalCheck.objects.get(application=applications[1], decision="return")
    assert returned.reason == "缺少盖章页" and returned.is_open_return
    assert list(recommendation.items.values_list("application_id", flat=True)) == [applications[0].pk]
    assert Notification.objects.filter(recipient=city, body__contains="缺少盖章页").exists()
    assert AuditEvent.objects.filter(verb="formal_check.return").exists()


# --- expert pool ---------------------------------------------------------------------------------

def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    from review.imports import TEMPLATE_HEADERS

    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "experts.xlsx"
    return buffer


GOOD = ["expert_new1", "林教授", "教授", "华南师范大学", "广州", "软件和信息服务、服务外包", "13800138000",
        "lin@example.edu.cn", 15, "是", ""]


def test_import_creates_and_updates_experts(officer, client_for, demo):
    c = client_for("gd_officer")
    update = ["expert_chen", "陈教授", "研究员", "华南理工大学", "广州", "人工智能", "", "chen@example.edu.cn",
              10, "是", ""]
    response = c.post(reverse("review:experts"), {"file": _xlsx([GOOD, update])})
    assert response.status_code == 200
    results = [r["result"] for r in response.context["report"]["rows"]]
    assert results == ["created", "updated"]
    new = ExpertProfile.objects.get(user__username="expert_new1")
    assert new.specialties == ["software", "outsourcing"] and new.max_load == 15 and new.region.code == "440100"
    assert new.user.memberships.filter(role="expert").exists()
    assert ExpertProfile.objects.get(user__username="expert_chen").title == "研究员"


def test_import_with_a_bad_row_imports_nothing_and_says_why(client_for, demo):
    c = client_for("gd_officer")
    bad = ["expert_bad", "", "教授", "某大学", "火星市", "占星术", "123", "not-an-email", 0, "也许", ""]
    response = c.post(reverse("review:experts"), {"file": _xlsx([GOOD, bad])})
    assert response.status_code == 400
    rows = response.context["report"]["rows"]
    assert rows[0]["result"] == "not_imported" and rows[1]["result"] == "refused"
    for word in ("火星市", "占星术"):
        assert word in rows[1]["message"]
    assert not ExpertProfile.objects.exists()
    assert not User.objects.filter(username__in=["expert_new1", "expert_bad"]).exists()
    not_xlsx = io.BytesIO(b"not a workbook")
    not_xlsx.name = "x.xlsx"
    assert c.post(reverse("review:experts"), {"file": not_xlsx}).status_code == 400


# --- conflicts -----------------------------------------------------------------------------------

def test_conflicts_are_detected_with_their_reasons_and_dismissals_stick(gd_call, user_named, officer, demo):
    park = Organization.objects.get(name="广州开发区（黄埔区）数字经济产业园管理委员会")
    application = bulk_applications(gd_call, [park], "formal_passed", user_named("park_huangpu"))[0]
    leader = application.versions.get().data["advantages"]["leading_enterprises"][0]["name"]
    employer_leader = Organization.objects.create(name=leader, kind="other")
    a = make_expert(user_named("expert_chen"), employer=park)                               # employer is the park
    b = make_expert(user_named("expert_li"), employer=employer_leader, region_code="440300")  # a leading enterprise
    c = make_expert(user_named("expert_zhou"), region_code="440100")                         # same city
    d = make_expert(user_named("expert_huang"), region_code="440500", relations=park.name)   # declared relation
    e = make_expert(user_named("expert_xu"), region_code="440300")                           # none
    assert services.detect_conflicts(call=gd_call, user=officer) >= 4
    kinds = {(x.expert_id, x.kind) for x in Conflict.objects.all()}
    assert (a.pk, "employer_park") in kinds
    assert (b.pk, "employer_leader") in kinds
    assert (c.pk, "same_city") in kinds
    assert (d.pk, "declared_relation") in kinds
    assert not any(expert == e.pk for expert, _ in kinds)
    same_city = Conflict.objects.get(expert=c, kind="same_city")
    services.decide_conflict(conflict=same_city, user=officer, confirm=False)
    assert services.detect_conflicts(call=gd_call, user=officer) == 0
    assert Conflict.objects.get(pk=same_city.pk).status == "dismissed"
    assert AuditEvent.objects.filter(verb="conflict.dismissed").exists()
    # The dismissed pair can now be assigned; the others never.
    services.assign_manually(application=application, experts=[c], user=officer)
    for conflicted in (a, b, d):
        with pytest.raises(ValidationError) as exc:
            services.assign_manually(application=application, experts=[conflicted], user=officer)
        assert exc.value.code == "conflict"


# --- assignment ----------------------------------------------------------------------------------

def test_auto_assignment_never_assigns_conflicts_and_balances_loads(gd_call, experts, passed, officer):
    gd_call.experts_per_application = 3
    gd_call.save(update_fields=["experts_per_application"])
    Conflict.objects.create(expert=experts[0], application=passed[0], kind="declared_relation")
    assert not gd_call.rubric.exists()
    result = services.auto_assign(call=gd_call, user=officer)
    assert not result.shortfalls
    assert gd_call.rubric.count() == 6  # the default rubric comes with the first assignments
    pairs = set(Assignment.objects.values_list("application_id", "expert_id"))
    assert (passed[0].pk, experts[0].pk) not in pairs
    assert all(Assignment.objects.filter(application=a).count() == 3 for a in passed)
    loads = [Assignment.objects.filter(expert=e).count() for e in experts]
    assert max(loads) - min(loads) <= 1
    assert AuditEvent.objects.filter(verb="assignment.automatic").exists()


def test_infeasible_assignment_says_which_applications_and_why(gd_call, experts, passed, officer):
    for e in experts[1:]:
        Conflict.objects.create(expert=e, application=passed[0], kind="declared_relation")
    result = services.auto_assign(call=gd_call, user=officer)  # k = 5, only one eligible expert for the first
    shortfall = {s.item_id: s for s in result.shortfalls}
    assert passed[0].pk in shortfall and shortfall[passed[0].pk].missing == 4
    assert "eligible" in shortfall[passed[0].pk].reason
    assert Assignment.objects.filter(application=passed[0]).count() == 1


def test_an_expert_must_confirm_no_conflict_before_reading(gd_call, experts, passed, officer, client_for):
    assignment = services.assign_manually(application=passed[0], experts=[experts[2]], user=officer)[0]
    c = client_for("expert_li")
    page = c.get(reverse("review:task", args=[assignment.pk]))
    assert page.status_code == 200 and page.context["outline"] is None
    version_url = reverse("applications:version", args=[passed[0].pk, 1])
    assert c.get(version_url).status_code == 404
    c.post(reverse("review:task", args=[assignment.pk]), {"_action": "no_conflict"})
    assert c.get(version_url).status_code == 200
    assert c.get(reverse("review:task", args=[assignment.pk])).context["outline"]
    # Not assigned: 404 on the other dossier and its task-less pages.
    assert c.get(reverse("applications:version", args=[passed[1].pk, 1])).status_code == 404
    assert c.get(reverse("applications:detail", args=[passed[0].pk])).status_code in (403, 404)
    assert c.get(reverse("review:ranking", args=[gd_call.pk])).status_code == 404
    other = services.assign_manually(application=passed[1], experts=[experts[3]], user=officer)[0]
    assert c.get(reverse("review:task", args=[other.pk])).status_code == 404


def test_declaring_a_conflict_removes_the_assignment(gd_call, experts, passed, officer, client_for):
    assignment = services.assign_manually(application=passed[0], experts=[experts[2]], user=officer)[0]
    c = client_for("expert_li")
    assert c.post(reverse("review:task", args=[assignment.pk]), {"_action": "declare", "reason": ""}).status_code == 400
    c.post(reverse("review:task", args=[assignment.pk]), {"_action": "declare", "reason": "曾任该园区顾问"})
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    conflict = Conflict.objects.get(expert=experts[2], application=passed[0])
    assert conflict.kind == "declared" and conflict.status == "confirmed"
    services.auto_assign(call=gd_call, user=officer)
    assert not Assignment.objects.filter(expert=experts[2], application=passed[0]).exists()


# --- scoring -------------------------------------------------------------------------------------

def test_scores_are_validated_and_a_submitted_sheet_is_locked(gd_call, experts, passed, officer, client_for):
    services.ensure_default_rubric(gd_call)
    assignment = services.assign_manually(application=passed[0], experts=[experts[2]], user=officer)[0]
    c = client_for("expert_li")
    url = reverse("review:task", args=[assignment.pk])
    c.post(url, {"_action": "no_conflict"})
    from review.selectors.experts import rubric_of

    criteria = rubric_of(gd_call)
    too_high = {f"score_{criteria[0].pk}": "11", "_action": "save", "comment": "保留的意见"}
    response = c.post(url, too_high)
    assert response.status_code == 400
    assert "保留的意见" in response.content.decode() and 'value="11"' in response.content.decode()
    assert not ScoreSheet.objects.exists()
    draft = {f"score_{criteria[0].pk}": "8", "_action": "save"}
    assert c.post(url, draft).status_code == 302
    incomplete = {**draft, "_action": "submit"}
    assert c.post(url, incomplete).status_code == 400
    full = {f"score_{x.pk}": str(x.max_points - 1) for x in criteria}
    assert c.post(url, {**full, "_action": "submit"}).status_code == 302
    sheet = ScoreSheet.objects.get()
    assert sheet.status == "submitted" and sheet.total == Decimal("94")
    assert c.post(url, {**full, "_action": "save"}).status_code == 400  # locked
    with pytest.raises(ValidationError):
        services.reopen_sheet(sheet=sheet, user=officer, reason="")
    services.reopen_sheet(sheet=sheet, user=officer, reason="评分依据需补充")
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    assert AuditEvent.objects.filter(verb="sheet.reopened", data__reason="评分依据需补充").exists()


def test_the_rubric_is_locked_once_scoring_starts(gd_call, experts, passed, officer, client_for):
    services.ensure_default_rubric(gd_call)
    c = client_for("gd_officer")
    assert c.get(reverse("review:rubric", args=[gd_call.pk])).context["total"] == 100
    assignment = services.assign_manually(application=passed[0], experts=[experts[2]], user=officer)[0]
    _sheet(assignment, ["5"], submit=False)
    with pytest.raises(ValidationError) as exc:
        services.save_rubric(call=gd_call, user=officer, rows=[{"name": "x", "max_points": Decimal("10")}])
    assert exc.value.code == "locked"


def _score_application(call, application, experts, totals, officer):
    """Submitted sheets whose totals are exactly `totals` (one criterion of 100 points)."""
    for expert, total in zip(experts, totals, strict=False):
        assignment = services.assign_manually(application=application, experts=[expert], user=officer)[0]
        services.confirm_no_conflict(assignment=assignment, user=expert.user)
        criterion = call.rubric.get()
        services.save_sheet(assignment=assignment, user=expert.user, scores={str(criterion.pk): str(total)},
                            comment="", submit=True)


def test_aggregates_against_hand_computed_values_and_the_flag(gd_call, experts, passed, officer):
    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    totals = [60, 70, 80, 90, 95]
    _score_application(gd_call, passed[0], experts, totals, officer)
    _score_application(gd_call, passed[1], experts, [78, 80, 82, 79, 81], officer)
    rows = {r["application"].pk: r for r in ranking(gd_call)}
    first = rows[passed[0].pk]
    assert first["n"] == 5
    assert first["mean"] == Decimal("79.00")
    assert first["median"] == Decimal("80.00")
    assert first["trimmed_mean"] == Decimal("80.00")  # (70 + 80 + 90) / 3
    assert first["sd"] == Decimal(str(round(statistics.stdev(totals), 2)))
    assert first["range"] == 35 and first["flagged"] is True
    second = rows[passed[1].pk]
    assert second["trimmed_mean"] == Decimal("80.00") and second["flagged"] is False
    # Equal trimmed means (80 = 80): the higher median wins, then the higher lowest score (78 > 60).
    ordered = [r["application"].pk for r in ranking(gd_call) if r["n"]]
    assert ordered == [passed[1].pk, passed[0].pk]
    assert rows[passed[2].pk]["rank"] is None


def test_experts_never_see_others_scores_while_scoring(gd_call, experts, passed, officer, client_for):
    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    _score_application(gd_call, passed[0], experts[:2], [61, 87], officer)
    page = client_for(experts[1].user.username).get(
        reverse("review:task", args=[Assignment.objects.get(expert=experts[1], application=passed[0]).pk]))
    body = page.content.decode()
    assert "87.0" in body and "61.0" not in body  # as scores are shown (an id such as score_61 is not one)
    assert client_for(experts[1].user.username).get(
        reverse("review:ranking-export", args=[gd_call.pk, "xlsx"])).status_code == 404


def test_ranking_page_runs_the_same_queries_for_10_and_100_applications(gd_call, experts, officer, client_for,
                                                                       user_named):
    services.ensure_default_rubric(gd_call)
    c = client_for("gd_officer")
    url = reverse("review:ranking", args=[gd_call.pk])
    bulk_applications(gd_call, extra_parks("440600", 10, "甲"), "formal_passed", user_named("park_huangpu"))
    services.refresh_ranking(call_id=gd_call.pk)  # what the task does after a change (bulk_create bypasses it)
    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    bulk_applications(gd_call, extra_parks("440600", 90, "乙"), "formal_passed", user_named("park_huangpu"))
    services.refresh_ranking(call_id=gd_call.pk)
    with CaptureQueriesContext(connection) as large:
        response = c.get(url)
    assert response.context["page"].paginator.count == 100 and len(response.context["rows"]) == 50
    assert len(large) == len(small)


def test_candidates_proposed_and_concurred_by_both_departments(gd_call, experts, passed, officer, user_named,
                                                              client_for):
    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    Call.objects.filter(pk=gd_call.pk).update(experts_per_application=3)  # every sheet the call needs
    gd_call.refresh_from_db()
    _score_application(gd_call, passed[0], experts[:3], [80, 85, 90], officer)
    c = client_for("gd_officer")
    c.post(reverse("review:propose", args=[gd_call.pk]), {"candidate": [passed[0].pk]})
    candidate_list = CandidateList.objects.get(call=gd_call)
    assert candidate_list.status == "proposed"
    assert [i.application_id for i in candidate_list.items.all()] == [passed[0].pk]
    with pytest.raises(Exception):  # noqa: B017 - a city co-reviewer has no say
        services.concur_candidates(call=gd_call, user=user_named("gz_cac"), stance="concur", opinion="同意")
    services.concur_candidates(call=gd_call, user=user_named("gd_cac"), stance="concur", opinion="同意")
    candidate_list.refresh_from_db()
    assert candidate_list.status == "proposed"
    response = client_for("gd_miit").post(reverse("review:candidates", args=[gd_call.pk]),
                                          {"stance": "concur", "opinion": "同意"})
    assert response.status_code == 302
    candidate_list.refresh_from_db()
    assert candidate_list.status == "concurred"
    assert Application.objects.get(pk=passed[0].pk).state == "formal_passed"


@pytest.mark.django_db(transaction=True)
def test_sheets_saved_at_once_each_have_exactly_one_effect(gd_call, experts, passed, officer):
    from concurrent.futures import ThreadPoolExecutor

    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    criterion = gd_call.rubric.get()
    assignments = services.assign_manually(application=passed[0], experts=experts[:2], user=officer)
    for a in assignments:
        services.confirm_no_conflict(assignment=a, user=a.expert.user)

    def submit(assignment):
        try:
            services.save_sheet(assignment=assignment, user=assignment.expert.user, comment="",
                                scores={str(criterion.pk): "80"}, submit=True)
            return "submitted"
        except ValidationError as exc:
            return exc.code
        finally:
            connection.close()

    # Two experts at once: both sheets stored, one each.
    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(submit, assignments)) == ["submitted", "submitted"]
    assert ScoreSheet.objects.filter(status="submitted").count() == 2
    # One expert double-clicking: one submission, the other refused as locked.
    third = services.assign_manually(application=passed[1], experts=[experts[0]], user=officer)[0]
    services.confirm_no_conflict(assignment=third, user=third.expert.user)
    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(submit, [third, third])) == ["locked", "submitted"]
    assert ScoreSheet.objects.filter(assignment=third).count() == 1
    assert AuditEvent.objects.filter(verb="sheet.submitted").count() == 3


def test_experts_are_reminded_two_and_one_working_days_before_the_deadline(gd_call, experts, passed, officer,
                                                                          monkeypatch):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from portal.notifications.models import Notification

    shanghai = ZoneInfo("Asia/Shanghai")
    gd_call.scoring_deadline = datetime(2026, 10, 9, 17, 0, tzinfo=shanghai)  # Friday after National Day
    gd_call.save(update_fields=["scoring_deadline"])
    services.ensure_default_rubric(gd_call)
    assignment = services.assign_manually(application=passed[0], experts=[experts[2]], user=officer)[0]
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 9, 29, 9, 0, tzinfo=shanghai))
    assert services.remind_experts(today=date(2026, 9, 30)) == 1  # Oct 8 and 9 left: two working days
    assert Notification.objects.filter(recipient=experts[2].user, title__contains="2").exists()
    assert services.remind_experts(today=date(2026, 9, 29)) == 0  # three left
    _sheet(assignment, [str(c.max_points) for c in gd_call.rubric.all()])
    assert services.remind_experts(today=date(2026, 10, 8)) == 0  # submitted: nothing to remind


def test_the_ranking_page_reads_the_stored_ranking_recomputed_when_sheets_change(
        gd_call, experts, passed, officer, client_for, django_capture_on_commit_callbacks):
    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    c = client_for("gd_officer")
    url = reverse("review:ranking", args=[gd_call.pk])
    assert c.get(url).status_code == 200  # the first view stores the call's first ranking
    snapshot = RankingSnapshot.objects.get(call=gd_call)
    assert snapshot.sheets == 0 and snapshot.stale_since is None
    with django_capture_on_commit_callbacks(execute=True):  # commit: the task recomputes the ranking
        _score_application(gd_call, passed[0], experts[:2], [70, 90], officer)
    snapshot.refresh_from_db()
    assert snapshot.sheets == 2 and snapshot.stale_since is None
    row = RankingRow.objects.get(snapshot=snapshot, application=passed[0])
    assert (row.position, row.rank, row.score) == (1, 1, Decimal("80.00"))
    body = c.get(url).content.decode()
    assert 'data-stale="0"' in body and "2 份已提交的评分表" in body
    # A reopened sheet whose recomputation has not run yet: the page says so and shows the stored ranking.
    sheet = ScoreSheet.objects.filter(application=passed[0]).order_by("pk").first()
    services.reopen_sheet(sheet=sheet, user=officer, reason="复核")
    response = c.get(url)
    assert 'data-stale="1"' in response.content.decode()
    assert response.context["rows"][0].application_id == passed[0].pk and response.context["rows"][0].n == 2
    # That view queued the recomputation (Celery runs eagerly in the tests): the next one is current.
    assert 'data-stale="0"' in c.get(url).content.decode()
    snapshot.refresh_from_db()
    assert snapshot.sheets == 1 and snapshot.stale_since is None
    assert RankingRow.objects.get(snapshot=snapshot, application=passed[0]).score == Decimal("90.00")


# --- random draw (随机抽取) with alternates (备选) -----------------------------------------------------

def _two_per_application(call):
    call.experts_per_application = 2
    call.save(update_fields=["experts_per_application"])


def test_the_random_draw_records_its_seed_and_the_same_seed_reproduces_it(gd_call, experts, passed, officer,
                                                                          client_for):
    _two_per_application(gd_call)
    c = client_for("gd_officer")
    url = reverse("review:assignments", args=[gd_call.pk])
    response = c.post(url, {"seed": "987654321", "alternates": "2"}, follow=True)
    assert response.status_code == 200
    draw = ExpertDraw.objects.get(call=gd_call)
    assert (draw.seed, draw.alternates_per_application, draw.drawn_by) == (987654321, 2, officer)
    body = response.content.decode()
    assert "987654321" in body and 'data-testid="last-draw"' in body
    event = AuditEvent.objects.get(verb="assignment.automatic")
    assert event.data["seed"] == 987654321 and event.data["draw"] == draw.pk
    pairs = sorted(Assignment.objects.values_list("application_id", "expert_id"))
    alternates = sorted(AlternateExpert.objects.values_list("application_id", "expert_id", "position"))
    assert len(pairs) == 6 and len(alternates) == 6  # 3 applications x (2 experts + 2 alternates)
    assert not set(pairs) & {(a, e) for a, e, _ in alternates}  # an alternate is never on the panel
    # Reproduced: the same seed on the same data draws the same panels and alternates.
    ScoreSheet.objects.all().delete()
    Assignment.objects.all().delete()
    services.auto_assign(call=gd_call, user=officer, seed=987654321, alternates=2)
    assert sorted(Assignment.objects.values_list("application_id", "expert_id")) == pairs
    latest = ExpertDraw.objects.filter(call=gd_call).first()
    assert sorted(AlternateExpert.objects.filter(draw=latest).values_list("application_id", "expert_id",
                                                                         "position")) == alternates
    # Without a seed each draw gets a new random one, recorded too.
    Assignment.objects.all().delete()
    services.auto_assign(call=gd_call, user=officer)
    assert ExpertDraw.objects.filter(call=gd_call).first().seed is not None


def test_a_bad_seed_is_refused_next_to_the_field_and_nothing_is_drawn(gd_call, experts, passed, client_for):
    c = client_for("gd_officer")
    url = reverse("review:assignments", args=[gd_call.pk])
    for seed, alternates in (("abc", "5"), ("-1", "5"), ("1", "11"), (str(2**63), "5")):
        response = c.post(url, {"seed": seed, "alternates": alternates})
        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors and set(form.errors) <= {"seed", "alternates"}
        assert f'value="{seed}"' in response.content.decode()  # what was typed is kept
    assert not ExpertDraw.objects.exists() and not Assignment.objects.exists()
    with pytest.raises(ValidationError):
        services.auto_assign(call=gd_call, user=User.objects.get(username="gd_officer"), seed=-5)


def test_an_expert_who_declines_is_replaced_by_the_first_free_alternate(gd_call, experts, passed, officer,
                                                                        client_for):
    _two_per_application(gd_call)
    services.auto_assign(call=gd_call, user=officer, seed=42, alternates=3)
    application = passed[0]
    assignment = Assignment.objects.filter(application=application).select_related("expert__user").first()
    leaving = assignment.expert
    first, second = AlternateExpert.objects.filter(application=application).order_by("position")[:2]
    # The first alternate has meanwhile a conflict with this park: the second one is called.
    Conflict.objects.create(expert=first.expert, application=application, kind="declared_relation")
    c = client_for(leaving.user.username)
    url = reverse("review:task", args=[assignment.pk])
    assert c.post(url, {"_action": "decline", "reason": ""}).status_code == 400
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    response = c.post(url, {"_action": "decline", "reason": "出差无法按期评审"})
    assert response.status_code == 302
    panel = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    assert leaving.pk not in panel and second.expert_id in panel and first.expert_id not in panel
    second.refresh_from_db()
    assert second.used_at is not None and second.replaced_id == leaving.pk
    assert AuditEvent.objects.filter(verb="assignment.declined", data__expert=leaving.pk).exists()
    called = AuditEvent.objects.get(verb="assignment.automatic", data__alternate_for=leaving.pk)
    assert called.data["seed"] == 42 and called.actor == leaving.user
    assert second.expert.user.notifications.exists()  # the alternate is told


def test_an_expert_who_declares_a_conflict_is_replaced_by_an_alternate(gd_call, experts, passed, officer,
                                                                       client_for):
    _two_per_application(gd_call)
    services.auto_assign(call=gd_call, user=officer, seed=7, alternates=2)
    application = passed[1]
    assignment = Assignment.objects.filter(application=application).select_related("expert__user").first()
    alternate = AlternateExpert.objects.filter(application=application).order_by("position").first()
    client_for(assignment.expert.user.username).post(reverse("review:task", args=[assignment.pk]),
                                                     {"_action": "declare", "reason": "曾任该园区顾问"})
    panel = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    assert assignment.expert_id not in panel and alternate.expert_id in panel and len(panel) == 2


# --- numbers the notices state (issue 14, point 6) ------------------------------------------------

def test_about_ten_national_candidates_warns_under_8_or_over_12_until_acknowledged(calls, experts, officer, user_named,
                                                                                   client_for):
    """001 四(二): "商务部会同中央网信办、工业和信息化部……提出候选名单（10个左右）": a list under 8 or over 12
    is proposed only when the organiser acknowledges the number; the acknowledgement is audited."""
    _gd, national = calls
    assert national.candidates_about == 10 and national.candidates_range == (8, 12)
    mofcom = user_named("mofcom_officer")
    Call.objects.filter(pk=national.pk).update(experts_per_application=1)
    national.refresh_from_db()
    apps = bulk_applications(national, extra_parks("440600", 13, "国家候选"), "formal_passed",
                             user_named("park_huangpu"))
    services.save_rubric(call=national, user=mofcom, rows=[{"name": "总分", "max_points": Decimal("100")}])
    for i, application in enumerate(apps):
        _score_application(national, application, experts[i % 5:i % 5 + 1], [70 + i], mofcom)
    with pytest.raises(ValidationError) as exc:
        services.propose_candidates(call=national, user=mofcom, application_ids=[a.pk for a in apps[:7]])
    assert exc.value.code == "count_warning" and "10" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.propose_candidates(call=national, user=mofcom, application_ids=[a.pk for a in apps])
    assert exc.value.code == "count_warning"
    page = client_for("mofcom_officer").get(reverse("review:ranking", args=[national.pk])).content.decode()
    assert 'data-testid="candidates-about"' in page
    assert not CandidateList.objects.filter(call=national, status="proposed").exists()
    services.propose_candidates(call=national, user=mofcom, application_ids=[a.pk for a in apps[:7]],
                                acknowledge_count=True)
    candidate_list = CandidateList.objects.get(call=national)
    assert candidate_list.status == "proposed" and candidate_list.count_acknowledged
    event = AuditEvent.objects.get(verb="candidates.proposed")
    assert "10" in event.data["count_acknowledged"]


def test_about_ten_candidates_needs_no_acknowledgement_between_8_and_12(calls, experts, user_named):
    """001 四(二): "10个左右": 8 to 12 candidates are "about 10"."""
    _gd, national = calls
    mofcom = user_named("mofcom_officer")
    Call.objects.filter(pk=national.pk).update(experts_per_application=1)
    national.refresh_from_db()
    apps = bulk_applications(national, extra_parks("440600", 8, "国家"), "formal_passed", user_named("park_huangpu"))
    services.save_rubric(call=national, user=mofcom, rows=[{"name": "总分", "max_points": Decimal("100")}])
    for i, application in enumerate(apps):
        _score_application(national, application, experts[i % 5:i % 5 + 1], [80 + i], mofcom)
    services.propose_candidates(call=national, user=mofcom, application_ids=[a.pk for a in apps])
    assert not CandidateList.objects.get(call=national).count_acknowledged


def test_a_candidate_needs_every_configured_sheet_or_an_audited_decision_naming_the_missing(
        gd_call, experts, passed, officer, client_for):
    """000 四(二) and 001 四(二): "组织专家评审": every candidate needs the call's sheets (5 experts here);
    with fewer, only an organiser decision naming the missing sheets lets it through, audited."""
    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    _score_application(gd_call, passed[0], experts[:3], [80, 85, 90], officer)
    pending = services.assign_manually(application=passed[0], experts=[experts[3]], user=officer)[0]
    with pytest.raises(ValidationError) as exc:
        services.propose_candidates(call=gd_call, user=officer, application_ids=[passed[0].pk])
    assert exc.value.code == "missing_sheets"
    message = exc.value.messages[0]
    assert pending.expert.user.display_name in message and "1" in message  # one never assigned
    c = client_for("gd_officer")
    refused = c.post(reverse("review:propose", args=[gd_call.pk]), {"candidate": [passed[0].pk], "note": "按排名"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'data-testid="proposal-error"' in body and pending.expert.user.display_name in body
    assert f'value="{passed[0].pk}" aria-label="{passed[0].park.name}" checked' in body  # the choice is kept
    assert ">按排名</textarea>" in body
    assert not CandidateList.objects.filter(call=gd_call, status="proposed").exists()
    c.post(reverse("review:propose", args=[gd_call.pk]),
           {"candidate": [passed[0].pk], "missing_sheets_reason": "两位专家因回避未评分，经研究按三份评分表确定。"})
    candidate_list = CandidateList.objects.get(call=gd_call)
    assert candidate_list.status == "proposed"
    item = candidate_list.items.get()
    assert pending.expert.user.display_name in item.missing_sheets and len(item.missing_sheets) == 2
    event = AuditEvent.objects.get(verb="candidates.missing_sheets_accepted")
    assert event.data["reason"].startswith("两位专家")
    assert event.data["missing"][str(passed[0].pk)] == item.missing_sheets
    page = client_for("gd_cac").get(reverse("review:candidates", args=[gd_call.pk])).content.decode()
    assert 'data-testid="missing-sheets"' in page and pending.expert.user.display_name not in page


# --- the ranking page's rows, drawn once per version (portal.fragments) ------------------------------

def _reopen_tokens(body: str) -> dict[int, str]:
    import re

    return {int(pk): token for pk, token in re.findall(
        r'action="/review/sheets/(\d+)/reopen/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"', body)}


def _two_sheets_ranked(gd_call, experts, passed, officer, capture) -> None:
    """An empty cache; two submitted sheets (70, 90) on the first application, the ranking recomputed."""
    from django.core.cache import cache

    cache.clear()
    services.save_rubric(call=gd_call, user=officer, rows=[{"name": "总分", "max_points": Decimal("100")}])
    with capture(execute=True):
        _score_application(gd_call, passed[0], experts[:2], [70, 90], officer)


def test_the_ranking_rows_are_drawn_once_per_version_and_again_when_sheets_or_opinions_change(
        gd_call, experts, passed, officer, client_for, django_capture_on_commit_callbacks):
    from review.models import Panel, PanelOpinion

    _two_sheets_ranked(gd_call, experts, passed, officer, django_capture_on_commit_callbacks)
    c = client_for("gd_officer")
    url = reverse("review:ranking", args=[gd_call.pk])
    with CaptureQueriesContext(connection) as drawn:
        first = c.get(url)
    assert first.context["rows"] is not None  # drawn for this request
    with CaptureQueriesContext(connection) as cached:
        second = c.get(url)
    assert second.context["rows"] is None and len(cached) < len(drawn)  # from the cache: no row query
    sheets = list(ScoreSheet.objects.filter(application=passed[0]).order_by("pk"))
    assert set(_reopen_tokens(second.content.decode())) == {s.pk for s in sheets}
    assert 'data-score>80.00' in second.content.decode()
    # A reopened sheet: its row is drawn again at once (no reopen form), before the ranking is recomputed.
    services.reopen_sheet(sheet=sheets[0], user=officer, reason="复核")
    third = c.get(url)
    assert third.context["rows"] is not None
    assert set(_reopen_tokens(third.content.decode())) == {sheets[1].pk}
    # A panel opinion written since: shown at once.
    panel = Panel.objects.create(call=gd_call, name="第一组", leader=experts[0])
    PanelOpinion.objects.create(application=passed[0], panel=panel, author=experts[0].user, text="专家组一致同意。")
    assert "专家组一致同意。" in c.get(url).content.decode()


def test_forms_in_a_cached_ranking_page_carry_the_requesters_own_csrf_token(
        gd_call, experts, passed, officer, user_named, django_capture_on_commit_callbacks):
    from django.test import Client

    from portal.fragments import _placeholder

    _two_sheets_ranked(gd_call, experts, passed, officer, django_capture_on_commit_callbacks)
    url = reverse("review:ranking", args=[gd_call.pk])
    clients, tokens = [], []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user_named("gd_officer"))
        body = client.get(url).content.decode()  # the second page comes from the cache
        assert _placeholder() not in body and len(_reopen_tokens(body)) == 2
        clients.append(client)
        tokens.append(_reopen_tokens(body))
    sheet = ScoreSheet.objects.filter(application=passed[0]).order_by("pk").first()
    reopen = reverse("review:sheet-reopen", args=[sheet.pk])
    # The second session's form, posted with the first session's token: refused; with its own: done.
    assert clients[1].post(reopen, {"csrfmiddlewaretoken": tokens[0][sheet.pk], "reason": "复核"}).status_code == 403
    assert clients[1].post(reopen, {"csrfmiddlewaretoken": tokens[1][sheet.pk], "reason": "复核"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT


def test_a_refused_proposal_keeps_its_checked_rows_without_caching_them(gd_call, experts, passed, officer,
                                                                       client_for,
                                                                       django_capture_on_commit_callbacks):
    _two_sheets_ranked(gd_call, experts, passed, officer, django_capture_on_commit_callbacks)  # of the call's 5
    c = client_for("gd_officer")
    url = reverse("review:ranking", args=[gd_call.pk])
    c.get(url)
    refused = c.post(reverse("review:propose", args=[gd_call.pk]), {"candidate": [passed[0].pk]})
    assert refused.status_code == 400
    checked = f'value="{passed[0].pk}" aria-label="{passed[0].park.name}" checked'
    assert checked in refused.content.decode()
    assert checked not in c.get(url).content.decode()
