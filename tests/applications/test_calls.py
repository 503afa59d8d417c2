"""A provincial officer creates, edits, opens and closes calls in the portal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.forms import GUANGDONG_BASIC_CONDITIONS
from applications.models import Call, Threshold
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(**overrides):
    deadline = timezone.localtime() + timedelta(days=30)
    data = {
        "title": "第三批广东省数字服务出口基地申报", "document_number": "粤商务服函〔2026〕88号",
        "issuers": "广东省商务厅\n中共广东省委网络安全和信息化委员会办公室\n广东省工业和信息化厅",
        "level": "provincial", "region": "", "park_types": ["edz", "htz"],
        "recommending_tier": "city", "quota_per_unit": "5",
        "basic_conditions": "\n".join(GUANGDONG_BASIC_CONDITIONS),
        "evidence_categories": "园区概况证明材料\n基础条件证明材料",
        "park_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "recommend_deadline": (deadline + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M"),
        "publicity_days": "5", "co_review_required": "on",
        "experts_per_application": "5", "ranking_method": "trimmed_mean", "score_range_flag": "20",
        "scoring_deadline": (deadline + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        "thresholds-TOTAL_FORMS": "2", "thresholds-INITIAL_FORMS": "0",
        "thresholds-0-region_class": "prd", "thresholds-0-total_output": "20",
        "thresholds-0-ict_output": "3", "thresholds-0-ict_exports": "2",
        "thresholds-0-digital_enterprises": "10",
        "thresholds-1-region_class": "ewn", "thresholds-1-total_output": "10",
        "thresholds-1-ict_output": "1", "thresholds-1-ict_exports": "0.5",
        "thresholds-1-digital_enterprises": "5",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(client_for):
    return client_for("gd_officer")


@pytest.fixture
def guangdong_id(demo):
    from portal.accounts.models import Region

    return Region.objects.get(code="440000").pk


def test_officer_creates_and_opens_a_call_that_parks_then_see(officer, guangdong_id, client_for):
    response = officer.post(reverse("applications:call-new"), _form(region=guangdong_id))
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get(document_number="粤商务服函〔2026〕88号")
    assert call.status == Call.Status.DRAFT and call.organiser.name == "广东省商务厅"
    assert call.thresholds.count() == 2 and call.basic_conditions == GUANGDONG_BASIC_CONDITIONS
    assert call.evidence_categories == ["园区概况证明材料", "基础条件证明材料"]
    assert call.title not in client_for("park_huangpu").get(reverse("workspace-park")).content.decode()
    officer.post(reverse("applications:call-open", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    assert AuditEvent.objects.filter(verb="call.opened", target_id=str(call.pk)).exists()
    assert call.title in client_for("park_huangpu").get(reverse("workspace-park")).content.decode()
    assert call.title in client_for("park_huangpu").get("/").content.decode()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"park_deadline": "2020-01-01T10:00", "recommend_deadline": "2020-02-01T10:00"}, "park_deadline"),
    ({"quota_per_unit": "0"}, "quota_per_unit"),
    ({"thresholds-0-total_output": "-1"}, "thresholds"),
    ({"region": ""}, "region"),
    ({"title": ""}, "title"),
])
def test_bad_call_input_is_refused_next_to_the_field(officer, guangdong_id, overrides, field):
    data = _form(region=guangdong_id)
    data.update(overrides)
    response = officer.post(reverse("applications:call-new"), data)
    assert response.status_code == 400
    if field == "thresholds":
        assert response.context["formset"].errors[0]["total_output"]
    else:
        assert field in response.context["form"].errors
    # What was typed stays on the page.
    assert "粤商务服函〔2026〕88号" in response.content.decode()
    assert not Call.objects.filter(document_number="粤商务服函〔2026〕88号").exists()
    assert not Threshold.objects.filter(call__document_number="粤商务服函〔2026〕88号").exists()


def test_only_officers_of_the_organiser_manage_a_call(calls, client_for):
    gd_call, national = calls
    for username in ("park_huangpu", "city_gz", "expert_chen"):
        c = client_for(username)
        assert c.get(reverse("applications:call-new")).status_code == 403
        assert c.get(reverse("applications:call-edit", args=[gd_call.pk])).status_code == 404
        c.post(reverse("applications:call-close", args=[gd_call.pk]))
    # The ministry's officer does not manage Guangdong's call, nor Guangdong's the national one.
    assert client_for("mofcom_officer").get(reverse("applications:call-edit", args=[gd_call.pk])).status_code == 404
    assert client_for("gd_officer").get(reverse("applications:call-edit", args=[national.pk])).status_code == 404
    gd_call.refresh_from_db()
    assert gd_call.status == Call.Status.OPEN


def test_demo_calls_carry_the_notices_rules(calls):
    gd_call, national = calls
    assert gd_call.status == Call.Status.OPEN and gd_call.park_deadline > timezone.now()
    assert gd_call.quota_per_unit == 5 and gd_call.recommending_tier == "city"
    prd = gd_call.thresholds_by_class["prd"]
    assert (prd.total_output, prd.ict_output, prd.ict_exports, prd.digital_enterprises) == (20, 3, 2, 10)
    assert national.status == Call.Status.CLOSED and national.quota_per_unit == 1
    east = national.thresholds_by_class["east"]
    assert (east.total_output, east.ict_output, east.ict_exports, east.digital_enterprises) == (200, 100, 60, 100)
    assert national.thresholds_by_class["cwn"].ict_exports == 20
