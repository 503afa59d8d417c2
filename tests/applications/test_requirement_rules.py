"""Requirements are requirements (issue 14, point 2). Each test is named after its rule and quotes
the clause of the notice (seed 000 粤商务服函〔2022〕122号, seed 001 商办服贸函[2019]245号)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import demo as demo_data
from applications import eligibility, services
from applications.models import Application, Call
from portal.accounts.models import Organization, Region
from review import services as review_services
from tests.applications.conftest import fill_completely
from tests.review.conftest import submit_for  # noqa: F401

pytestmark = pytest.mark.django_db

JUSTIFICATION = "园区数字服务发展潜力突出，请求按特殊潜力区域适当降低条件予以考虑。"


def _young(gd_call) -> dict:
    """HUANGPU's figures with a management body established one year before the deadline."""
    deadline = timezone.localtime(gd_call.park_deadline).date()
    return {**demo_data.HUANGPU, "established": deadline.replace(year=deadline.year - 1).isoformat()}


def test_operating_two_years_is_a_requirement_no_justification_admits(gd_call, new_application, park_user,
                                                                      client_for):
    """000 附件1 三(一): "园区管理机构具有独立法人资格且运营2年（含）以上" — a basic condition: a body
    younger than two years at the deadline cannot submit, whatever it writes; the message gives the
    date it reaches two years."""
    figures = _young(gd_call)
    fill_completely(new_application, park_user, figures)
    established = timezone.localtime(gd_call.park_deadline).date().replace(year=timezone.localtime(
        gd_call.park_deadline).year - 1)
    reached = established.replace(year=established.year + 2)
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=new_application, user=park_user, justification=JUSTIFICATION * 3)
    assert exc.value.code == "requirement"
    assert f"{reached.year}年{reached.month}月{reached.day}日" in exc.value.messages[0]
    new_application.refresh_from_db()
    assert new_application.state == Application.State.DRAFT and new_application.latest_version_number == 0
    response = client_for("park_huangpu").post(reverse("applications:submit", args=[new_application.pk]),
                                               {"justification": JUSTIFICATION * 3, "confirm": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{reached.year}年{reached.month}月{reached.day}日" in body
    assert 'data-testid="requirement-refusal"' in body


def test_reaching_two_years_on_29_february_is_the_first_of_march():
    """000 附件1 三(一): "运营2年（含）以上" counts full years; a body founded on 29 February has two
    years on 1 March two years later."""
    from datetime import date

    assert eligibility.reaches_years(date(2024, 2, 29)) == date(2026, 3, 1)
    assert eligibility.years_between(date(2024, 2, 29), date(2026, 2, 28)) == 1
    assert eligibility.years_between(date(2024, 2, 29), date(2026, 3, 1)) == 2


def test_special_potential_applies_to_the_four_business_thresholds_only(gd_call):
    """000 附件1 三(二): "发展数字服务有特殊潜力的区域可适当降低条件" stands under 申报业务标准: a
    threshold miss asks for a justification; an unmet basic condition is not one of those misses."""
    region = Region.objects.get(code="440100")
    deadline = timezone.localtime(gd_call.park_deadline).date()
    young_but_big = {"established_on": deadline.replace(year=deadline.year - 1).isoformat(),
                     "total_output": "100", "ict_output": "10", "ict_exports": "5", "digital_enterprise_count": 50}
    criteria = eligibility.evaluate(call=gd_call, region=region, data=young_but_big)
    assert eligibility.misses(criteria) == []
    assert [c.key for c in eligibility.unmet_requirements(criteria)] == ["operating_years"]
    old_but_small = {**young_but_big, "established_on": "2010-01-01", "ict_exports": "1.00"}
    criteria = eligibility.evaluate(call=gd_call, region=region, data=old_but_small)
    assert [c.key for c in eligibility.misses(criteria)] == ["ict_exports"]
    assert eligibility.unmet_requirements(criteria) == []


def test_a_call_accepts_only_its_configured_park_types(gd_call, park, park_user, client_for):
    """000 二: "省级服务外包示范园区、经济技术开发区、高新技术开发区、数字经济相关产业园区或产业集聚区
    均可申报"; 001 二 names 经开区 and 高新区: each call accepts only the types it lists, and the park
    carries its own."""
    assert sorted(park.park_types) == ["digital_park", "edz"]
    Call.objects.filter(pk=gd_call.pk).update(park_types=["htz", "outsourcing_demo"])
    gd_call.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.start_application(call=gd_call, park=park, user=park_user)
    assert exc.value.code == "park_type" and "高新技术" in exc.value.messages[0]
    c = client_for("park_huangpu")
    response = c.post(reverse("applications:start", args=[gd_call.pk]), {"park": park.pk}, follow=True)
    assert "高新技术" in response.content.decode()
    assert not Application.objects.filter(call=gd_call, park=park).exists()
    Organization.objects.filter(pk=park.pk).update(park_types=[])
    park.refresh_from_db()
    with pytest.raises(ValidationError):
        services.start_application(call=gd_call, park=park, user=park_user)
    Organization.objects.filter(pk=park.pk).update(park_types=["htz"])
    park.refresh_from_db()
    assert services.start_application(call=gd_call, park=park, user=park_user).state == "draft"
    page = c.get(reverse("applications:call-detail", args=[gd_call.pk])).content.decode()
    assert "高新技术产业开发区" in page


def test_the_city_checklist_of_the_six_conditions_is_required_by_the_service(submit_for, user_named):  # noqa: F811
    """000 三(二): the city "对申报材料进行初审" against 附件1 三's six 申报条件: the service refuses a
    decision without every condition assessed, and an approval with a condition not met."""
    application = submit_for("park_huangpu")
    city = user_named("city_gz")
    with pytest.raises(ValidationError) as exc:
        review_services.decide(application=application, version_number=1, user=city, decision="approve",
                               checklist={})
    assert "c1_status" in exc.value.error_dict and "c6_status" in exc.value.error_dict
    five = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 6)}
    with pytest.raises(ValidationError) as exc:
        review_services.decide(application=application, version_number=1, user=city, decision="approve",
                               checklist=five)
    assert list(k for k in exc.value.error_dict if k != "__all__") == ["c6_status"]
    not_met = {**five, "c6": {"status": "not_met", "remark": "无市级专项规划"}}
    with pytest.raises(ValidationError):
        review_services.decide(application=application, version_number=1, user=city, decision="approve",
                               checklist=not_met)
    application.refresh_from_db()
    assert application.state == "submitted"
    review_services.decide(application=application, version_number=1, user=city, decision="return",
                           reasons="请补充市级数字经济发展规划。", checklist=not_met)
    application.refresh_from_db()
    assert application.state == "returned"


def test_the_enterprise_count_has_three_parts_counted_once(new_application, park_user):
    """000 附件2 四(五): "开展数字服务业务企业数量 = 在服贸直报系统填报电信、计算机和信息服务的企业 +
    在服务外包统计系统填报离岸信息技术外包的企业，不重复计算": the service computes the total from its
    three parts, whatever total the caller sends."""
    section = new_application.sections.get(key="foundations")
    data = {**demo_data.dossier(new_application.park, demo_data.HUANGPU)["foundations"],
            "enterprises_trade_direct": 60, "enterprises_outsourcing": 51, "enterprises_both": 10,
            "digital_enterprise_count": 999}
    saved = services.save_section(application=new_application, key="foundations", user=park_user, data=data,
                                  complete=True, base_revision=section.revision)
    assert saved.data["digital_enterprise_count"] == 101
    with pytest.raises(ValidationError) as exc:
        services.save_section(application=new_application, key="foundations", user=park_user,
                              data={**data, "enterprises_both": 52}, complete=True, base_revision=saved.revision)
    assert "enterprises_both" in exc.value.error_dict
    criteria = {c.key: c for c in eligibility.evaluate(call=new_application.call,
                                                        region=new_application.park.region, data=saved.data)}
    assert "101" in criteria["digital_enterprise_count"].declared


def test_usd_exports_need_the_rate_and_its_date_and_the_yuan_figure_is_checked(new_application, park_user,
                                                                             client_for):
    """DOMAIN §7 and 000 附件1 三(二): thresholds are "亿元人民币"; exports reported "2756.1万美元" are
    entered with the exchange rate and its date, and the converted yuan figure is what is checked."""
    section = new_application.sections.get(key="foundations")
    base = demo_data.dossier(new_application.park, demo_data.HUANGPU)["foundations"]
    data = {**base, "ict_exports_usd": "2756.10", "usd_rate": "6.3757", "usd_rate_date": "2021-12-31",
            "ict_exports": "99.00"}
    saved = services.save_section(application=new_application, key="foundations", user=park_user, data=data,
                                  complete=True, base_revision=section.revision)
    assert saved.data["ict_exports"] == "1.76"
    criteria = {c.key: c for c in eligibility.evaluate(call=new_application.call,
                                                        region=new_application.park.region, data=saved.data)}
    assert criteria["ict_exports"].met is False  # 1.76 < 2 亿元 (珠三角), although 99 was typed
    with pytest.raises(ValidationError) as exc:
        services.save_section(application=new_application, key="foundations", user=park_user,
                              data={**data, "usd_rate": "", "usd_rate_date": ""}, complete=True,
                              base_revision=saved.revision)
    assert {"usd_rate", "usd_rate_date"} <= set(exc.value.error_dict)
    # In the form, the message stands next to the field and what was typed is kept.
    post = {k: v for k, v in base.items() if not isinstance(v, list)}
    post.update({"ict_exports_usd": "2756.10", "usd_rate": "", "ict_exports": "", "_revision": saved.revision,
                 "_action": "save"})
    response = client_for("park_huangpu").post(
        reverse("applications:section", args=[new_application.pk, "foundations"]), post)
    assert response.status_code == 400
    form = response.context["editor"].form
    assert "usd_rate" in form.errors and "usd_rate_date" in form.errors
    assert 'value="2756.10"' in response.content.decode()
    assert Decimal(new_application.sections.get(key="foundations").data["ict_exports"]) == Decimal("1.76")


def test_submission_after_a_formal_return_is_open_until_the_organisers_deadline(new_application, park_user):
    """001 四(一): the returned park may resubmit within the time set with the return, not after."""
    fill_completely(new_application, park_user)
    Call.objects.filter(pk=new_application.call_id).update(park_deadline=timezone.now() - timedelta(hours=1))
    Application.objects.filter(pk=new_application.pk).update(revision_deadline=timezone.now() - timedelta(minutes=1))
    new_application.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=new_application, user=park_user)
    assert exc.value.code == "deadline"
    Application.objects.filter(pk=new_application.pk).update(revision_deadline=timezone.now() + timedelta(days=1))
    new_application.refresh_from_db()
    assert services.submit_application(application=new_application, user=park_user).number == 1
