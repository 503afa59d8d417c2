"""Anyone objects online to an item of the funding plan while it is on notice (公示): the protections of the bases'
public form (a person's check, rate limits, the numbers encrypted), a tracking code, and the city officer verifies
and decides it from the plan's objection list as one received in writing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funds import services
from funds.models import ItemRequest, PlanObjection
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def on_notice(submitted, user_named, monkeypatch):
    """feiqi's two items in the plan, on notice from Monday 7 to Friday 11 December 2026; today is the 8th."""
    officer = user_named("zh_fund")
    services.district_review(application=submitted, user=user_named("district_xz"), decision="approve", opinion="同意")
    offshore, insurance = sorted(submitted.item_requests.select_related("item"), key=lambda r: r.item.order)
    services.city_review(application=submitted, user=officer, decision="evaluate", opinion="评审通过",
                         items={offshore.pk: {"amount": "200000"}, insurance.pk: {"amount": "38000"}})
    plan = services.draft_plan(call=submitted.call, user=officer)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    plan = services.publish_plan(plan=plan, user=officer, start=date(2026, 12, 7))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI))
    return {"plan": plan, "call": submitted.call, "insurance": insurance, "officer": officer,
            "monkeypatch": monkeypatch}


def _data(objected, **overrides) -> dict:
    data = {"item_request": objected.pk, "name": "王磊", "id_type": "resident_id", "id_number": ID_NUMBER,
            "phone": "13800138000", "email": "wanglei@example.com",
            "facts": "该企业申报的出口信保保险费发票开具于2017年，不属于本次支持期间，请予核查。"}
    data.update(overrides)
    return data


def test_anyone_objects_online_and_the_officer_upholds_it(on_notice, user_named,
                                                          django_capture_on_commit_callbacks):
    call, insurance, officer = on_notice["call"], on_notice["insurance"], on_notice["officer"]
    public = Client()
    notice = public.get(reverse("funds:notice", args=[call.pk])).content.decode()
    assert reverse("funds:notice-object", args=[call.pk]) in notice  # the notice leads to the form
    assert public.get(reverse("funds:notice-object", args=[call.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = public.post(reverse("funds:notice-object", args=[call.pk]), _data(insurance))
    assert response.status_code == 302
    assert response["Location"] == reverse("funds:objection-receipt", args=[call.pk])
    objection = PlanObjection.objects.get()
    receipt = public.get(response["Location"]).content.decode()
    assert objection.tracking_code.startswith("YY-") and objection.tracking_code in receipt
    assert objection.channel == "online" and objection.recorded_by is None
    assert objection.received_on == date(2026, 12, 8) and objection.objector == "王磊"
    with connection.cursor() as cursor:  # the numbers are encrypted at rest, with their keyed hashes beside them
        cursor.execute("SELECT id_number, phone FROM funds_planobjection WHERE id = %s", [objection.pk])
        stored_id, stored_phone = cursor.fetchone()
    assert ID_NUMBER not in stored_id and "13800138000" not in stored_phone
    assert objection.phone == "13800138000" and objection.phone_hash and objection.id_number_hash
    assert AuditEvent.objects.filter(verb="fund_plan.objection_received", target_id=str(on_notice["plan"].pk)).exists()
    assert officer.notifications.filter(event="objection.received").exists()
    assert Client().get(reverse("funds:objection-receipt", args=[call.pk])).status_code == 404  # another session

    staff = Client()
    staff.force_login(officer)
    plan_page = staff.get(reverse("funds:plan", args=[call.pk])).content.decode()
    assert objection.tracking_code in plan_page and "138****8000" in plan_page and "13800138000" not in plan_page
    assert ID_NUMBER not in plan_page
    response = staff.post(reverse("funds:objection-decide", args=[objection.pk]),
                          {f"o{objection.pk}-upheld": "yes", f"o{objection.pk}-finding": "经核查，情况属实。"})
    assert response.status_code == 302
    insurance.refresh_from_db()
    assert insurance.status == ItemRequest.Status.CANCELLED
    assert user_named("ent_feiqi").notifications.filter(event="fund.item_cancelled").exists()


def test_bad_input_is_shown_beside_its_field_and_nothing_is_stored(on_notice):
    call, insurance = on_notice["call"], on_notice["insurance"]
    url = reverse("funds:notice-object", args=[call.pk])
    response = Client().post(url, _data(insurance, id_number="110105194912310021"))
    assert response.status_code == 400 and response.context["form"].errors["id_number"]
    response = Client().post(url, _data(insurance, facts="不对"))
    assert response.status_code == 400 and response.context["form"].errors["facts"]
    response = Client().post(url, _data(insurance, phone="12345"))
    assert response.status_code == 400 and response.context["form"].errors["phone"]
    response = Client().post(url, _data(insurance, item_request=999999))
    assert response.status_code == 400 and response.context["form"].errors["item_request"]
    assert "invalid-feedback" in response.content.decode()
    assert not PlanObjection.objects.exists()


def test_outside_the_notice_the_form_says_so_and_takes_nothing(on_notice):
    call, insurance = on_notice["call"], on_notice["insurance"]
    url = reverse("funds:notice-object", args=[call.pk])
    on_notice["monkeypatch"].setattr(timezone, "now", lambda: datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))
    page = Client().get(url)
    assert page.status_code == 200 and 'data-testid="window-state"' in page.content.decode()
    assert Client().post(url, _data(insurance)).status_code == 403
    with pytest.raises(Exception) as refused:
        services.file_objection(plan=on_notice["plan"], item_request=insurance, values={
            "name": "王磊", "id_type": "resident_id", "id_number": ID_NUMBER, "phone": "13800138000", "email": "",
            "facts": "事实与理由的完整陈述。"})
    assert getattr(refused.value, "code", "") == "closed"
    assert not PlanObjection.objects.exists()


def test_a_plan_not_on_notice_has_no_form(submitted, user_named):
    services.district_review(application=submitted, user=user_named("district_xz"), decision="approve", opinion="同意")
    assert Client().get(reverse("funds:notice-object", args=[submitted.call_id])).status_code == 404


def test_a_persons_check_after_several_from_one_network_and_the_rate_limit(on_notice, settings):
    call, insurance = on_notice["call"], on_notice["insurance"]
    url = reverse("funds:notice-object", args=[call.pk])
    settings.OBJECTION_CAPTCHA_AFTER = 1
    assert Client().post(url, _data(insurance)).status_code == 302
    response = Client().post(url, _data(insurance, phone="13900139000"))
    assert response.status_code == 400 and response.context["form"].errors["captcha"]
    assert 'data-testid="human-check"' in response.content.decode()
    assert PlanObjection.objects.count() == 1

    settings.OBJECTION_CAPTCHA_AFTER = 100
    settings.OBJECTION_RATE_LIMITS = {**settings.OBJECTION_RATE_LIMITS, "per_phone_per_day": 1}
    response = Client().post(url, _data(insurance))  # the same phone again
    assert response.status_code == 429 and "分钟" in response.content.decode()
    assert PlanObjection.objects.count() == 1
