"""The preliminary review by the recommending unit, co-review and the recommendation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import demo as demo_data
from applications import services as application_services
from applications.models import Application, Call
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from review import services
from review.models import CoReview, PreliminaryReview, Recommendation
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db


def _checklist(call, status="met"):
    return {f"c{i}": {"status": status, "remark": ""} for i in range(1, len(call.basic_conditions) + 1)}


def _decision_form(application, decision, reasons="", version=None):
    data = {"version": version or application.latest_version_number, "decision": decision,
            "reasons": reasons, "opinion": "意见"}
    for i in range(1, len(application.call.basic_conditions) + 1):
        data[f"c{i}_status"] = "met"
        data[f"c{i}_remark"] = ""
    return data


def _approve(application, user):
    return services.decide(application=application, version_number=application.latest_version_number,
                           user=user, decision="approve", checklist=_checklist(application.call))


def _concur(application, *usernames, user_named):
    for username in usernames:
        services.co_review(application=application, user=user_named(username), stance="concur",
                           opinion="同意推荐。")


# --- inbox ---------------------------------------------------------------------------------------

def test_inbox_shows_only_the_reviewers_own_city(submit_for, client_for):
    guangzhou = submit_for("park_huangpu")
    shenzhen = submit_for("park_nanshan")
    page = client_for("city_gz").get(reverse("review:inbox", args=[guangzhou.call_id]))
    ids = [a.pk for a in page.context["applications"]]
    assert ids == [guangzhou.pk]
    assert shenzhen.park.name not in page.content.decode()


def test_inbox_flags_misses_and_filters_by_state(submit_for, client_for, user_named):
    missed = submit_for("park_pazhou", demo_data.PAZHOU, demo_data.PAZHOU_JUSTIFICATION)
    fine = submit_for("park_huangpu")
    _approve(fine, user_named("city_gz"))
    c = client_for("city_gz")
    body = c.get(reverse("review:inbox", args=[missed.call_id])).content.decode()
    assert body.count('data-testid="misses-flag"') == 1
    filtered = c.get(reverse("review:inbox", args=[missed.call_id]), {"state": "approved"})
    assert [a.pk for a in filtered.context["applications"]] == [fine.pk]


def test_inbox_runs_the_same_queries_for_10_and_1000_rows(gd_call, client_for, user_named):
    reviewer = client_for("city_gz")
    submitter = user_named("park_huangpu")
    url = reverse("review:inbox", args=[gd_call.pk])
    bulk_applications(gd_call, extra_parks("440100", 10, "小"), "submitted", submitter)
    with CaptureQueriesContext(connection) as small:
        assert reviewer.get(url).status_code == 200
    bulk_applications(gd_call, extra_parks("440100", 990, "大"), "submitted", submitter)
    with CaptureQueriesContext(connection) as large:
        response = reviewer.get(url)
    assert response.context["page"].paginator.count == 1000 and len(response.context["applications"]) == 50
    assert len(large) == len(small)


# --- decisions -----------------------------------------------------------------------------------

def test_return_resubmit_and_approve_keeps_every_round(submit_for, client_for, user_named,
                                                       django_capture_on_commit_callbacks, mailoutbox):
    application = submit_for("park_huangpu")
    city = client_for("city_gz")
    url = reverse("review:review", args=[application.pk])
    # Return without reasons: refused next to the field, nothing changes.
    response = city.post(url, _decision_form(application, "return"))
    assert response.status_code == 400 and response.context["form"].errors["reasons"]
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post(url, _decision_form(application, "return", "请补充出口额统计证明。"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == Application.State.RETURNED
    park_user = user_named("park_huangpu")
    assert Notification.objects.filter(recipient=park_user, body__contains="请补充出口额统计证明").exists()
    assert any("请补充出口额统计证明" in m.body for m in mailoutbox)
    # The park sees the round and can edit and resubmit: version 2.
    park = client_for("park_huangpu")
    detail = park.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "请补充出口额统计证明" in detail
    section = application.sections.get(key="foundations")
    data = {**section.data, "ict_exports": "52.00"}
    application_services.save_section(application=application, key="foundations", user=park_user, data=data,
                                      complete=True, base_revision=section.revision)
    application_services.submit_application(application=application, user=park_user)
    application.refresh_from_db()
    assert application.latest_version_number == 2 and application.state == Application.State.SUBMITTED
    # The reviewer sees both rounds and what changed.
    page = city.get(url)
    changes = page.context["changes"]
    assert any(c["old"] == "47.03" and c["new"] == "52.00" for c in changes)
    assert city.post(url, _decision_form(application, "approve")).status_code == 302
    rounds = list(PreliminaryReview.objects.filter(application=application).order_by("decided_at"))
    assert [(r.version.number, r.decision) for r in rounds] == [(1, "return"), (2, "approve")]
    assert AuditEvent.objects.filter(verb="review.return").exists()
    assert AuditEvent.objects.filter(verb="review.approve").exists()


def test_a_decision_on_a_stale_version_is_refused(submit_for, client_for, user_named):
    application = submit_for("park_huangpu")
    city = client_for("city_gz")
    url = reverse("review:review", args=[application.pk])
    services.decide(application=application, version_number=1, user=user_named("city_gz"), decision="return",
                    checklist=_checklist(application.call), reasons="补充材料")
    application_services.submit_application(application=application, user=user_named("park_huangpu"))
    response = city.post(url, _decision_form(application, "approve", version=1))
    assert response.status_code == 409
    assert "版本" in response.content.decode() or "version" in response.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert PreliminaryReview.objects.filter(application=application).count() == 1


def test_reject_needs_a_reason_and_notifies(submit_for, user_named):
    application = submit_for("park_huangpu")
    with pytest.raises(ValidationError):
        services.decide(application=application, version_number=1, user=user_named("city_gz"),
                        decision="reject", checklist=_checklist(application.call), reasons="  ")
    services.decide(application=application, version_number=1, user=user_named("city_gz"),
                    decision="reject", checklist=_checklist(application.call), reasons="不符合产业方向")
    application.refresh_from_db()
    assert application.state == Application.State.REJECTED


# --- co-review and recommendation ----------------------------------------------------------------

def test_the_co_review_gate_and_sending_the_letter(submit_for, client_for, user_named,
                                                   django_capture_on_commit_callbacks):
    application = submit_for("park_huangpu")
    _approve(application, user_named("city_gz"))
    city = client_for("city_gz")
    url = reverse("review:recommendation", args=[application.call_id])
    assert city.post(url, {"_action": "save", f"rank_{application.pk}": "1"}).status_code == 302
    send = {"_action": "send", "letter_number": "穗商务函〔2026〕15号"}
    response = city.post(url, send)
    assert response.status_code == 400
    assert application.park.name in response.content.decode()  # named as missing concurrence
    # One department concurs, the other objects: still refused.
    _concur(application, "gz_cac", user_named=user_named)
    services.co_review(application=application, user=user_named("gz_miit"), stance="object", opinion="有异议")
    assert city.post(url, send).status_code == 400
    _concur(application, "gz_miit", user_named=user_named)
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post(url, send)
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(call=application.call, region=application.park.region)
    assert recommendation.status == Recommendation.Status.SENT
    assert recommendation.letter_number == "穗商务函〔2026〕15号"
    application.refresh_from_db()
    assert application.state == Application.State.RECOMMENDED
    assert recommendation.letter_pdf and recommendation.letter_docx
    officer = user_named("gd_officer")
    assert Notification.objects.filter(recipient=officer, title__contains="广州市商务局").exists()
    # The organiser sees it in the overview and can download the letter.
    overview = client_for("gd_officer").get(reverse("review:overview", args=[application.call_id]))
    row = next(u for u in overview.context["units"] if u["region"].code == "440100")
    assert row["recommendation"].status == "sent" and row["recommendation"].parks == 1
    letter = client_for("gd_officer").get(reverse("review:letter", args=[recommendation.pk, "pdf"]))
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF")


def test_the_list_is_locked_after_sending_until_the_organiser_returns_it(submit_for, client_for, user_named):
    application = submit_for("park_huangpu")
    _approve(application, user_named("city_gz"))
    _concur(application, "gz_cac", "gz_miit", user_named=user_named)
    city_user = user_named("city_gz")
    services.save_recommendation(call=application.call, user=city_user, application_ids=[application.pk])
    recommendation = services.send_recommendation(call=application.call, user=city_user, letter_number="X1")
    with pytest.raises(ValidationError) as exc:
        services.save_recommendation(call=application.call, user=city_user, application_ids=[])
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError):
        services.co_review(application=application, user=user_named("gz_cac"), stance="object", opinion="改变主意")
    with pytest.raises(ValidationError) as exc:
        services.send_recommendation(call=application.call, user=city_user, letter_number="X2")
    assert exc.value.code == "already_sent"
    # Only the organiser can return it, with a reason.
    assert client_for("city_gz").post(reverse("review:recommendation-return", args=[recommendation.pk]),
                                      {"reason": "x"}).status_code == 403
    officer = client_for("gd_officer")
    url = reverse("review:recommendation-return", args=[recommendation.pk])
    assert officer.post(url, {"reason": ""}).status_code == 400
    assert officer.post(url, {"reason": "请补充会签文件"}).status_code == 302
    recommendation.refresh_from_db()
    application.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RETURNED
    assert application.state == Application.State.APPROVED
    services.save_recommendation(call=application.call, user=city_user, application_ids=[application.pk])


def test_more_than_the_quota_is_refused_naming_it(gd_call, client_for, user_named):
    parks = extra_parks("440100", 6)
    applications = bulk_applications(gd_call, parks, "approved", user_named("park_huangpu"))
    city = client_for("city_gz")
    url = reverse("review:recommendation", args=[gd_call.pk])
    data = {"_action": "save", **{f"rank_{a.pk}": str(i) for i, a in enumerate(applications, start=1)}}
    response = city.post(url, data)
    assert response.status_code == 400
    assert "5" in " ".join(str(e) for e in response.context["list_form"].non_field_errors())
    assert not Recommendation.objects.filter(call=gd_call, items__isnull=False).exists()
    del data[f"rank_{applications[-1].pk}"]
    assert city.post(url, data).status_code == 302
    assert Recommendation.objects.get(call=gd_call).items.count() == 5


def test_national_call_quota_is_one_park_per_pilot_city(calls, user_named):
    _gd, national = calls
    Call.objects.filter(pk=national.pk).update(recommend_deadline=timezone.now() + timedelta(days=10))
    national.refresh_from_db()
    submitter = user_named("park_huangpu")
    guangzhou = bulk_applications(national, extra_parks("440100", 2, "国家"), "approved", submitter)
    shenzhen = bulk_applications(national, extra_parks("440300", 1, "国家"), "approved", submitter)
    shantou = bulk_applications(national, extra_parks("440500", 1, "国家"), "approved", submitter)
    officer = user_named("gd_officer")  # the province recommends in the national call
    with pytest.raises(ValidationError) as exc:
        services.save_recommendation(call=national, user=officer,
                                     application_ids=[guangzhou[0].pk, guangzhou[1].pk])
    assert exc.value.code == "quota" and "广州" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.save_recommendation(call=national, user=officer, application_ids=[shantou[0].pk])
    assert exc.value.code == "not_pilot"
    recommendation = services.save_recommendation(call=national, user=officer,
                                                  application_ids=[guangzhou[0].pk, shenzhen[0].pk])
    assert [i.application_id for i in recommendation.items.all()] == [guangzhou[0].pk, shenzhen[0].pk]
    assert recommendation.region.code == "440000"
    # A city bureau has no say in the national call.
    with pytest.raises(Exception):  # noqa: B017
        services.save_recommendation(call=national, user=user_named("city_gz"), application_ids=[])


def test_sending_after_the_deadline_is_refused(submit_for, user_named):
    application = submit_for("park_huangpu")
    _approve(application, user_named("city_gz"))
    _concur(application, "gz_cac", "gz_miit", user_named=user_named)
    city_user = user_named("city_gz")
    services.save_recommendation(call=application.call, user=city_user, application_ids=[application.pk])
    Call.objects.filter(pk=application.call_id).update(recommend_deadline=timezone.now() - timedelta(hours=1))
    application.call.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.send_recommendation(call=application.call, user=city_user, letter_number="X")
    assert exc.value.code == "deadline"
    assert Recommendation.objects.get(call=application.call).status == Recommendation.Status.DRAFT


def test_co_review_is_optional_when_the_call_says_so(submit_for, user_named):
    application = submit_for("park_huangpu")
    Call.objects.filter(pk=application.call_id).update(co_review_required=False)
    application.call.refresh_from_db()
    _approve(application, user_named("city_gz"))
    city_user = user_named("city_gz")
    services.save_recommendation(call=application.call, user=city_user, application_ids=[application.pk])
    recommendation = services.send_recommendation(call=application.call, user=city_user, letter_number="X")
    assert recommendation.status == Recommendation.Status.SENT
    assert not CoReview.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_send_sends_once(submit_for, user_named):
    from concurrent.futures import ThreadPoolExecutor

    application = submit_for("park_huangpu")
    _approve(application, user_named("city_gz"))
    _concur(application, "gz_cac", "gz_miit", user_named=user_named)
    city_user = user_named("city_gz")
    services.save_recommendation(call=application.call, user=city_user, application_ids=[application.pk])

    def send(_):
        try:
            services.send_recommendation(call=application.call, user=city_user, letter_number="X")
            return "sent"
        except ValidationError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(send, range(2)))
    assert results == ["already_sent", "sent"]
    assert AuditEvent.objects.filter(verb="recommendation.sent").count() == 1


# --- reminders -----------------------------------------------------------------------------------

def test_reminders_three_and_one_working_days_before(gd_call, user_named):
    shanghai = ZoneInfo("Asia/Shanghai")
    # Deadline Friday 2026-10-09; 2026-10-01..07 are National Day holidays.
    Call.objects.filter(pk=gd_call.pk).update(
        recommend_deadline=datetime(2026, 10, 9, 17, 0, tzinfo=shanghai))
    city_user = user_named("city_gz")
    # From Monday 2026-09-28: 29, 30, Oct 8, Oct 9 left = 4 working days: no reminder.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: datetime(2026, 9, 28, 9, 0, tzinfo=shanghai))
        assert services.remind_units(today=date(2026, 9, 28)) == 0
        # From Tuesday 2026-09-29: 30, Oct 8, Oct 9 = 3 working days (a plain count of weekdays would say 8).
        assert services.remind_units(today=date(2026, 9, 29)) > 0
        assert Notification.objects.filter(recipient=city_user, title__contains="3").exists()
        # From Thursday Oct 8: one working day left.
        assert services.remind_units(today=date(2026, 10, 8)) > 0
        assert Notification.objects.filter(recipient=city_user, title__contains="1").exists()


# --- co-review list -----------------------------------------------------------------------------

def test_the_co_review_list_is_searched_filtered_sorted_and_paged(gd_call, client_for, user_named):
    applications = bulk_applications(gd_call, extra_parks("440100", 60, "会签园区"), "approved",
                                     user_named("park_huangpu"))
    first, second = applications[0], applications[1]
    services.co_review(application=first, user=user_named("gz_cac"), stance="concur", opinion="同意。")
    services.co_review(application=second, user=user_named("gz_cac"), stance="object", opinion="有异议。")
    services.co_review(application=second, user=user_named("gz_miit"), stance="concur", opinion="同意。")
    cac = client_for("gz_cac")
    url = reverse("review:coreview-list", args=[gd_call.pk])

    def shown(query=""):
        response = cac.get(url + query)
        assert response.status_code == 200
        return [a.pk for a, _form in response.context["rows"]], response

    page_one, response = shown()
    assert len(page_one) == 50 and response.context["page"].paginator.count == 60
    assert len(shown("?page=2")[0]) == 10
    assert shown("?stance=concur")[0] == [first.pk]
    assert shown("?stance=object")[0] == [second.pk]  # this department's opinion, not the other's
    pending, response = shown("?stance=pending")
    assert first.pk not in pending and second.pk not in pending and response.context["page"].paginator.count == 58
    assert shown(f"?q={first.park.name}")[0] == [first.pk]
    assert shown("?o=-park")[0][0] == max(applications, key=lambda a: (a.park.name, a.pk)).pk
    assert shown("?state=recommended")[0] == []
    refused = cac.get(url + "?stance=nonsense")
    assert refused.status_code == 400 and "nonsense" in refused.content.decode()
    # The other department's list shows its own stance only.
    assert [a.pk for a, _f in client_for("gz_miit").get(url + "?stance=concur").context["rows"]] == [second.pk]


def test_a_refused_opinion_on_a_later_page_is_shown_with_its_message(gd_call, client_for, user_named):
    applications = bulk_applications(gd_call, extra_parks("440100", 55, "会签园区"), "approved",
                                     user_named("park_huangpu"))
    last = max(applications, key=lambda a: (a.park.name, a.pk))  # on page 2
    response = client_for("gz_cac").post(reverse("review:coreview", args=[last.pk]),
                                         {f"a{last.pk}-stance": "object", f"a{last.pk}-opinion": ""})
    assert response.status_code == 400
    rows = response.context["rows"]
    assert rows[0][0].pk == last.pk and rows[0][1].errors
    assert not CoReview.objects.filter(version__application=last).exists()


def test_the_inbox_rows_are_drawn_again_when_an_application_changes(submit_for, client_for, user_named):
    from django.core.cache import cache

    cache.clear()
    application = submit_for("park_huangpu")
    city = client_for("city_gz")
    url = reverse("review:inbox", args=[application.call_id])
    assert 'state-submitted' in city.get(url).content.decode()
    with CaptureQueriesContext(connection) as drawn:
        city.get(url)  # from the cache: the rows' own query is not run
    _approve(application, user_named("city_gz"))
    with CaptureQueriesContext(connection) as again:
        body = city.get(url).content.decode()
    assert 'state-approved' in body and 'state-submitted' not in body
    assert len(again) == len(drawn) + 1
