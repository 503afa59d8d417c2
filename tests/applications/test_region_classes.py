"""Region classes are data per call (issue 14 point 4, DOMAIN.md §2).

Seed 000 附件1 申报业务标准: “珠三角地区……粤东西北地区……” (each class its own thresholds); seed 001: “东部地区……
中西部和东北地区……”. Another province's call defines its own classes.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Call
from portal.accounts.models import Membership, Organization, Region, User
from portal.audit.models import AuditEvent
from tests.applications.conftest import calls, gd_call  # noqa: F401

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_region_classes_are_data_per_call_and_reach_districts(calls):  # noqa: F811
    """Seed 000: 珠三角 (9 cities) and 粤东西北 (12 cities); seed 001: 东部 and 中西部和东北 by province."""
    gd, national = calls
    classes = {rc.key: rc for rc in gd.region_classes.all()}
    assert {k: rc.name for k, rc in classes.items()} == {"prd": "珠三角", "ewn": "粤东西北"}
    assert classes["prd"].regions.count() == 9 and classes["ewn"].regions.count() == 12
    assert gd.region_class_for(region("440402")) == "prd"                     # 珠海 香洲区
    assert gd.region_class_for(Region.objects.get(name__startswith="横琴")) == "prd"
    assert gd.region_class_for(region("440507")) == "ewn"                     # 汕头 龙湖区
    assert national.region_class_for(region("110108")) == "east"              # 北京 海淀区
    assert national.region_class_for(Region.objects.get(name="重庆两江新区")) == "cwn"
    assert national.region_class_for(region("510100")) == "cwn"


@pytest.fixture
def jiangsu_officer(demo):
    jiangsu = region("320000")
    org = Organization.objects.create(name="江苏省商务厅", kind="province_commerce", region=jiangsu)
    user = User.objects.create(username="js_officer", full_name="江苏业务员")
    Membership.objects.create(user=user, organization=org, role="provincial_officer")
    return user


@pytest.fixture
def jiangsu_call(jiangsu_officer):
    org = jiangsu_officer.memberships.get().organization
    deadline = timezone.now() + timedelta(days=30)
    call = Call(title="江苏省数字服务出口基地申报", document_number="苏商服〔2027〕1号", issuers="江苏省商务厅",
                level="provincial", organiser=org, region=region("320000"), park_types=["edz"],
                recommending_tier="city", quota_per_unit=3, park_deadline=deadline,
                basic_conditions=["园区管理机构具有独立法人资格且运营2年（含）以上。"],
                evidence_categories=["园区概况证明材料"],
                recommend_deadline=deadline + timedelta(days=10))
    return services.save_call(user=jiangsu_officer, call=call, thresholds=[])


def test_another_province_defines_its_own_region_classes(jiangsu_call, jiangsu_officer, client_for):
    """A call of another province defines its own classes; the thresholds follow them."""
    assert not jiangsu_call.region_classes.exists()  # Jiangsu's cities carry no built-in class
    client = client_for("js_officer")
    url = reverse("applications:call-region-classes", args=[jiangsu_call.pk])
    bad = client.post(url, {
        "classes-TOTAL_FORMS": "2", "classes-INITIAL_FORMS": "0",
        "classes-0-key": "sunan", "classes-0-name": "苏南", "classes-0-regions": "南京市、苏州市、广州市",
        "classes-1-key": "subei", "classes-1-name": "苏中苏北", "classes-1-regions": "徐州市"})
    assert bad.status_code == 400 and "广州市" in bad.content.decode()
    response = client.post(url, {
        "classes-TOTAL_FORMS": "2", "classes-INITIAL_FORMS": "0",
        "classes-0-key": "sunan", "classes-0-name": "苏南",
        "classes-0-regions": "南京市、无锡市、常州市、苏州市、镇江市",
        "classes-1-key": "subei", "classes-1-name": "苏中苏北",
        "classes-1-regions": "南通市 扬州市 泰州市 徐州市 连云港市 淮安市 盐城市 宿迁市"})
    assert response.status_code == 302
    assert jiangsu_call.region_class_for(Region.objects.get(name="南京江北新区")) == "sunan"
    assert Call.objects.get(pk=jiangsu_call.pk).region_class_for(region("320300")) == "subei"  # 徐州市
    assert AuditEvent.objects.filter(verb="call.region_classes", target_id=str(jiangsu_call.pk)).exists()
    # The call cannot open until each class has its thresholds.
    services.save_call(user=jiangsu_officer, call=jiangsu_call, thresholds=[{
        "region_class": "sunan", "total_output": 30, "ict_output": 5, "ict_exports": 3, "digital_enterprises": 20}])
    with pytest.raises(ValidationError) as exc:
        services.open_call(user=jiangsu_officer, call=jiangsu_call)
    assert "苏中苏北" in exc.value.messages[0]
    detail = client.get(reverse("applications:call-detail", args=[jiangsu_call.pk])).content.decode()
    assert "苏南" in detail and "南京市" in detail


@pytest.mark.parametrize(("classes", "why"), [
    ([{"key": "a", "name": "甲", "regions": ["320100"]}, {"key": "b", "name": "乙", "regions": ["320100"]}],
     "a region in two classes"),
    ([{"key": "a", "name": "甲", "regions": ["440100"]}], "a region of another province"),
    ([{"key": "A B", "name": "甲", "regions": ["320100"]}], "a bad key"),
    ([{"key": "a", "name": "甲", "regions": []}], "no region"),
])
def test_the_service_refuses_inconsistent_region_classes(jiangsu_call, jiangsu_officer, classes, why):
    rows = [{**row, "regions": [region(code) for code in row["regions"]]} for row in classes]
    with pytest.raises(ValidationError):
        services.save_region_classes(call=jiangsu_call, user=jiangsu_officer, classes=rows)
    assert not jiangsu_call.region_classes.exists(), why


def test_region_classes_are_fixed_once_the_call_is_open(gd_call, user_named):  # noqa: F811
    with pytest.raises(ValidationError) as exc:
        services.save_region_classes(call=gd_call, user=user_named("gd_officer"), classes=[])
    assert exc.value.code == "open"
