"""Quota accounting that survives returns (issue 14, point 1; national counting from point 4).

Each test is named after the rule it proves and quotes the clause of the notice it enforces."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import Application, Call
from portal.accounts.models import Membership, Organization, Region, Role, User
from portal.audit.models import AuditEvent
from review import quota, services
from review.models import FormalCheck, Recommendation
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db


def _counted(call, city_code="440100") -> int:
    return Application.objects.filter(call=call, park__region__code=city_code,
                                      state__in=quota.COUNTED_STATES).count()


def _sent_list(call, city_user, applications, letter="穗商务函〔2026〕1号"):
    services.save_recommendation(call=call, user=city_user, application_ids=[a.pk for a in applications])
    return services.send_recommendation(call=call, user=city_user, letter_number=letter)


@pytest.fixture
def gd(gd_call):
    """The Guangdong call without co-review, so that these tests are about the quota alone."""
    Call.objects.filter(pk=gd_call.pk).update(co_review_required=False)
    gd_call.refresh_from_db()
    return gd_call


@pytest.fixture
def five_sent_and_five_waiting(gd, user_named):
    submitter = user_named("park_huangpu")
    sent = bulk_applications(gd, extra_parks("440100", 5, "已推荐"), "approved", submitter)
    waiting = bulk_applications(gd, extra_parks("440100", 5, "候补"), "approved", submitter)
    _sent_list(gd, user_named("city_gz"), sent)
    return sent, waiting


def _return(application, officer, hours=48):
    return services.formal_check(application=application, user=officer, decision="return", reason="缺少盖章页",
                                 resend_deadline=timezone.now() + timedelta(hours=hours))


def test_quota_holds_at_every_moment_after_a_formal_check_return(gd, five_sent_and_five_waiting, user_named,
                                                                client_for):
    """000 三(二): "每个地级以上市推荐园区数量不超过5个". The organiser returns one of five at the formal
    check: only that one goes back to the city, the other four stay with the organiser, and the city
    can never have more than five parks recommended or beyond (before: 9 against a quota of 5)."""
    sent, waiting = five_sent_and_five_waiting
    officer, city = user_named("gd_officer"), user_named("city_gz")
    for application in sent[:4]:
        services.formal_check(application=application, user=officer, decision="pass")
    _return(sent[4], officer)
    states = dict(Application.objects.filter(pk__in=[a.pk for a in sent]).values_list("pk", "state"))
    assert [states[a.pk] for a in sent] == ["formal_passed"] * 4 + ["approved"]
    recommendation = Recommendation.objects.get(call=gd, region__code="440100")
    assert recommendation.status == Recommendation.Status.SENT  # the rest of the list stays where it is
    assert _counted(gd) == 4
    formal_page = client_for("gd_officer").get(reverse("review:formal", args=[gd.pk])).content.decode()
    assert 'data-testid="open-returns"' in formal_page and sent[4].park.name in formal_page
    # Whatever the city tries, a whole new list of five is refused...
    with pytest.raises(ValidationError) as exc:
        services.save_recommendation(call=gd, user=city, application_ids=[a.pk for a in waiting])
    assert exc.value.code == "locked"
    page = client_for("city_gz").post(reverse("review:recommendation", args=[gd.pk]),
                                      {"_action": "save", **{f"rank_{a.pk}": str(i)
                                                             for i, a in enumerate(waiting, start=1)}})
    assert page.status_code == 400
    assert _counted(gd) == 4
    # ...and exactly one place is open: one replacement, then nothing more.
    formal_return = FormalCheck.objects.get(application=sent[4], decision="return")
    services.resend_after_return(formal_return=formal_return, user=city, application_id=waiting[0].pk,
                                 letter_number="穗商务函〔2026〕2号")
    assert _counted(gd) == 5
    with pytest.raises(ValidationError) as exc:
        services.resend_after_return(formal_return=formal_return, user=city, application_id=waiting[1].pk,
                                     letter_number="穗商务函〔2026〕3号")
    assert exc.value.code == "answered"
    assert _counted(gd) == 5
    assert AuditEvent.objects.filter(verb="recommendation.resent", target_id=str(waiting[0].pk)).exists()
    # Both sides see the places taken.
    overview = client_for("gd_officer").get(reverse("review:overview", args=[gd.pk]))
    assert next(u for u in overview.context["units"] if u["region"].code == "440100")["counted"] == 5
    city_page = client_for("city_gz").get(reverse("review:recommendation", args=[gd.pk]))
    assert city_page.context["quota_used"] == 5


def test_quota_counts_parks_already_with_the_organiser_when_a_list_is_saved(gd, user_named):
    """000 三(二): "推荐园区数量不超过5个" counts every park recommended or beyond, not only the list
    being edited: four parks that passed the formal check leave room for one."""
    submitter, city = user_named("park_huangpu"), user_named("city_gz")
    bulk_applications(gd, extra_parks("440100", 4, "已通过"), "formal_passed", submitter)
    waiting = bulk_applications(gd, extra_parks("440100", 2, "候补"), "approved", submitter)
    with pytest.raises(ValidationError) as exc:
        services.save_recommendation(call=gd, user=city, application_ids=[a.pk for a in waiting])
    assert exc.value.code == "quota"
    services.save_recommendation(call=gd, user=city, application_ids=[waiting[0].pk])
    services.send_recommendation(call=gd, user=city, letter_number="X")
    assert _counted(gd) == 5


def test_resend_after_return_does_not_crash_and_the_revised_park_comes_back(gd, user_named, client_for, submit_for):
    """000 三(二) and 四: the city "推荐" its parks; a park returned at the formal check may come back
    revised. Re-sending the list used to crash (the others were still recommended); now the city
    is told the list is with the organiser, sends the park back for revision, the park resubmits
    after the parks' deadline (until the organiser's re-send deadline) and the city re-sends it."""
    application = submit_for("park_huangpu")
    city, officer, park_user = user_named("city_gz"), user_named("gd_officer"), user_named("park_huangpu")
    others = bulk_applications(gd, extra_parks("440100", 2, "同批"), "approved", park_user)
    services.decide(application=application, version_number=1, user=city, decision="approve",
                    checklist={f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)})
    _sent_list(gd, city, [application, *others])
    _return(application, officer, hours=72)
    c = client_for("city_gz")
    url = reverse("review:recommendation", args=[gd.pk])
    response = c.post(url, {"_action": "send", "letter_number": "穗商务函〔2026〕9号"})
    assert response.status_code == 400  # was: TransitionNotAllowed, a server error
    page = c.get(url)
    assert page.status_code == 200 and "缺少盖章页" in page.content.decode()
    # The city sends it back to the park for revision.
    services.decide(application=application, version_number=1, user=city, decision="return",
                    reasons="请补充盖章页。",
                    checklist={f"c{i}": {"status": "clarify", "remark": ""} for i in range(1, 7)})
    application.refresh_from_db()
    assert application.state == "returned" and application.revision_deadline
    park_page = client_for("park_huangpu").get(reverse("applications:detail", args=[application.pk]))
    assert 'data-testid="revision-deadline"' in park_page.content.decode()
    # The parks' deadline has passed; the park may still resubmit until the organiser's deadline.
    Call.objects.filter(pk=gd.pk).update(park_deadline=timezone.now() - timedelta(days=1),
                                         recommend_deadline=timezone.now() - timedelta(hours=1))
    version = application_services.submit_application(application=application, user=park_user)
    assert version.number == 2
    services.decide(application=application, version_number=2, user=city, decision="approve",
                    checklist={f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)})
    formal_return = FormalCheck.objects.get(application=application, decision="return")
    response = c.post(url, {"_action": "resend", "formal_return": formal_return.pk,
                            "application": application.pk, "letter_number": "穗商务函〔2026〕10号"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "recommended"
    services.formal_check(application=application, user=officer, decision="pass")
    application.refresh_from_db()
    assert application.state == "formal_passed"
    assert _counted(gd) == 3


def test_resend_is_possible_after_the_city_deadline_until_the_organisers_deadline(gd, five_sent_and_five_waiting,
                                                                                  user_named):
    """001 四(一): returns are handled "在规定时间内"; the organiser sets the new deadline with the
    return, and it applies even after the recommendation deadline of the call."""
    sent, waiting = five_sent_and_five_waiting
    city = user_named("city_gz")
    _return(sent[0], user_named("gd_officer"))
    Call.objects.filter(pk=gd.pk).update(recommend_deadline=timezone.now() - timedelta(days=1))
    formal_return = FormalCheck.objects.get(application=sent[0])
    FormalCheck.objects.filter(pk=formal_return.pk).update(resend_deadline=timezone.now() - timedelta(minutes=1))
    formal_return.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.resend_after_return(formal_return=formal_return, user=city, application_id=waiting[0].pk,
                                     letter_number="X")
    assert exc.value.code == "deadline"
    FormalCheck.objects.filter(pk=formal_return.pk).update(resend_deadline=timezone.now() + timedelta(days=1))
    formal_return.refresh_from_db()
    services.resend_after_return(formal_return=formal_return, user=city, application_id=waiting[0].pk,
                                 letter_number="X")
    assert _counted(gd) == 5


def test_formal_check_return_needs_a_reason_and_a_future_resend_deadline(gd, five_sent_and_five_waiting,
                                                                         user_named, client_for):
    """001 四(一): the organiser "进行形式审查"; a return tells the unit why and until when."""
    sent, _waiting = five_sent_and_five_waiting
    officer = user_named("gd_officer")
    with pytest.raises(ValidationError) as exc:
        services.formal_check(application=sent[0], user=officer, decision="return", reason="缺件",
                              resend_deadline=timezone.now() - timedelta(hours=1))
    assert "resend_deadline" in exc.value.error_dict
    c = client_for("gd_officer")
    url = reverse("review:formal-decide", args=[sent[0].pk])
    response = c.post(url, {f"a{sent[0].pk}-decision": "return", f"a{sent[0].pk}-reason": "缺件"})
    assert response.status_code == 400
    assert Application.objects.get(pk=sent[0].pk).state == "recommended"


@pytest.mark.django_db(transaction=True)
def test_quota_holds_under_concurrent_resends(gd, five_sent_and_five_waiting, user_named):
    """000 三(二): "不超过5个" also when two people of the city re-send at the same moment: the unit's
    lock lets one replacement through."""
    from concurrent.futures import ThreadPoolExecutor

    sent, waiting = five_sent_and_five_waiting
    _return(sent[0], user_named("gd_officer"))
    formal_return = FormalCheck.objects.get(application=sent[0])
    city = user_named("city_gz")

    def resend(application):
        try:
            services.resend_after_return(formal_return=formal_return, user=city, application_id=application.pk,
                                         letter_number="X")
            return "sent"
        except ValidationError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(resend, waiting[:2]))
    assert results == ["answered", "sent"]
    assert _counted(gd) == 5


# --- the national call: places, 直辖市, districts ---------------------------------------------------

def _province_officer(province: Region) -> User:
    bureau, _ = Organization.objects.get_or_create(name=f"{province.name}商务主管部门",
                                                   defaults={"kind": Organization.Kind.PROVINCE_COMMERCE,
                                                             "region": province})
    user = User.objects.create(username=f"officer_{province.code}")
    Membership.objects.create(user=user, organization=bureau, role=Role.PROVINCIAL_OFFICER)
    return user


@pytest.fixture
def national(calls):
    _gd, call = calls
    Call.objects.filter(pk=call.pk).update(recommend_deadline=timezone.now() + timedelta(days=10))
    call.refresh_from_db()
    return call


def test_a_municipality_recommends_as_a_province_and_counts_as_one_demonstration_city(national, user_named):
    """001 三: "每个服务外包示范城市和服务贸易创新发展试点地区推荐1个园区"; 北京 is a province and a
    city at once: its commerce department recommends, and its parks share one place."""
    beijing = Region.objects.get(code="110000")
    city, _ = Region.objects.update_or_create(code="110100", defaults={
        "name": "北京市", "level": Region.Level.CITY, "parent": beijing})
    Region.objects.filter(pk__in=[beijing.pk, city.pk]).update(is_outsourcing_demo_city=True, is_trade_pilot=True)
    parks = [Organization.objects.create(name=f"北京园区{i}", kind=Organization.Kind.PARK, region=city)
             for i in range(2)]
    applications = bulk_applications(national, parks, "approved", user_named("park_huangpu"))
    officer = _province_officer(beijing)
    with pytest.raises(ValidationError) as exc:
        services.save_recommendation(call=national, user=officer, application_ids=[a.pk for a in applications])
    assert exc.value.code == "quota" and "北京" in exc.value.messages[0]
    recommendation = services.save_recommendation(call=national, user=officer,
                                                  application_ids=[applications[0].pk])
    assert recommendation.region == beijing


def test_a_city_that_is_both_demonstration_city_and_pilot_area_counts_once(national, user_named):
    """001 三: one park per 示范城市 and per 试点地区; 广州 is both and still has one place."""
    guangzhou = Region.objects.get(code="440100")
    assert guangzhou.is_outsourcing_demo_city and guangzhou.is_trade_pilot
    applications = bulk_applications(national, extra_parks("440100", 2, "穗"), "approved",
                                     user_named("park_huangpu"))
    with pytest.raises(ValidationError) as exc:
        quota.check_quota(national, applications)
    assert exc.value.code == "quota"
    quota.check_quota(national, applications[:1])


def test_a_pilot_district_has_its_own_place_inside_its_city(national):
    """001 三 and DOMAIN §2a: "试点地区" can be a district or new area (南京江北新区): it has its own
    place beside its city's; a park elsewhere in the city uses the city's."""
    jiangsu = Region.objects.get(code="320000")
    nanjing, _ = Region.objects.update_or_create(code="320100", defaults={
        "name": "南京市", "level": Region.Level.CITY, "parent": jiangsu, "is_outsourcing_demo_city": True})
    jiangbei, _ = Region.objects.update_or_create(code="320111", defaults={
        "name": "南京江北新区", "level": "district", "parent": nanjing, "is_trade_pilot": True})
    gulou, _ = Region.objects.update_or_create(code="320106", defaults={
        "name": "鼓楼区", "level": "district", "parent": nanjing})
    assert quota.quota_place(jiangbei) == jiangbei
    assert quota.quota_place(gulou) == nanjing

    def app(name, region):
        park = Organization(name=name, kind=Organization.Kind.PARK, region=region)
        return Application(call=national, park=park)

    quota.check_quota(national, [app("江北园区", jiangbei), app("鼓楼园区", gulou)])
    with pytest.raises(ValidationError) as exc:
        quota.check_quota(national, [app("鼓楼园区", gulou), app("南京园区", nanjing)])
    assert exc.value.code == "quota" and "南京市" in exc.value.messages[0]


def test_a_whole_list_return_absorbs_an_open_single_return(gd, five_sent_and_five_waiting, user_named):
    """000 三(二): "不超过5个" after both kinds of return: when the organiser then returns the whole list,
    the city sends the list again (within the quota) and the single return can no longer add a park."""
    sent, waiting = five_sent_and_five_waiting
    officer, city = user_named("gd_officer"), user_named("city_gz")
    _return(sent[0], officer)
    recommendation = Recommendation.objects.get(call=gd, region__code="440100")
    services.return_recommendation(recommendation=recommendation, user=officer, reason="请补充会签文件")
    formal_return = FormalCheck.objects.get(application=sent[0])
    assert formal_return.resolved_at is not None and formal_return.resent_application is None
    assert _counted(gd) == 0
    _sent_list(gd, city, waiting, letter="穗商务函〔2026〕5号")
    assert _counted(gd) == 5
    with pytest.raises(ValidationError) as exc:
        services.resend_after_return(formal_return=formal_return, user=city, application_id=sent[1].pk,
                                     letter_number="X")
    assert exc.value.code == "answered"
    assert _counted(gd) == 5
