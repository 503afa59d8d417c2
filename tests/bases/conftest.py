from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import demo as demo_data
from portal.accounts.models import Organization
from publicity.models import DesignatedBase


def pdf(name="决定.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_data._pdf("decision"), content_type="application/pdf")


def make_base(park_name="广州开发区（黄埔区）数字经济产业园管理委员会", organiser="广东省商务厅", *, name=None,
              city="广州市", year=2024, level=DesignatedBase.Level.PROVINCIAL, **extra) -> DesignatedBase:
    park = Organization.objects.get(name=park_name) if park_name else None
    return DesignatedBase.objects.create(
        name=name or (park.name.removesuffix("管理委员会") if park else "某基地"), park=park,
        organiser=Organization.objects.get(name=organiser), province="广东省", city=city, level=level,
        batch="第一批广东省数字服务出口基地", year=year, document_number="粤商务服字〔2024〕1号", **extra)


@pytest.fixture
def base(demo) -> DesignatedBase:
    """A provincial base of 广州开发区（黄埔）, designated by 广东省商务厅 (park: park_huangpu; city: city_gz)."""
    return make_base()


FIGURES = {"total_output": "120.50", "ict_output": "35.20", "ict_value_added": "12.10",
           "ict_services_exports": "8.00", "digital_service_exports": "9.60", "foreign_trade_exports": "30.00",
           "enterprise_count": "420", "digital_service_enterprise_count": "150", "employee_count": "36000",
           "ip_count": "2100", "software_copyright_count": "5400"}
NARRATIVE = "本年度基地完善数字服务出口统计监测体系，新引进数字服务龙头企业五家，搭建公共服务平台两个。"


def this_year_deadline() -> date:
    from django.utils import timezone

    today = timezone.localdate()
    return date(today.year, 12, 31) if today < date(today.year, 12, 31) else today
