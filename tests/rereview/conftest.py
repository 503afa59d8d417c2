"""A province with designated bases old enough for the re-review (复审), their annual reports, experts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bases.models import AnnualReport, AnnualReportVersion, ReportingPeriod
from publicity.models import DesignatedBase
from review.models import ExpertProfile

FIGURES = {"total_output": "250.00", "ict_output": "60.00", "ict_value_added": "20.00",
           "ict_services_exports": "8.50", "digital_service_exports": "12.30", "foreign_trade_exports": "40.00",
           "enterprise_count": "320", "digital_service_enterprise_count": "120", "employee_count": "45000",
           "ip_count": "900", "software_copyright_count": "2100"}


def years_ago(n: int, *, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - n) + timedelta(days=days)


@pytest.fixture
def officer(user_named):
    return user_named("gd_officer")


@pytest.fixture
def gd_org(officer):
    return officer.memberships.get(role="provincial_officer").organization


@pytest.fixture
def park_of(user_named):
    def get(username: str):
        return user_named(username).memberships.get(role="park_admin").organization
    return get


@pytest.fixture
def make_base(gd_org):
    def make(name: str, park, *, year: int | None = None, organiser=None, status=DesignatedBase.Status.ACTIVE):
        return DesignatedBase.objects.create(
            name=name, province="广东省", city="广州市", level=DesignatedBase.Level.PROVINCIAL,
            batch="第一批广东省数字服务出口基地", year=year or years_ago(3).year,
            document_number="粤商务服函〔2021〕1号",
            park=park, organiser=organiser or gd_org, status=status)
    return make


@pytest.fixture
def file_report(officer, park_of):
    """A submitted and accepted annual report of ``base`` for ``year``, straight into the database."""
    def make(base, year: int, figures=FIGURES, narrative="基地建设稳步推进，数字服务出口持续增长。"):
        period, _new = ReportingPeriod.objects.get_or_create(
            organiser=base.organiser, year=year, defaults={"deadline": date(year + 1, 3, 31), "opened_by": officer})
        values = {k: (Decimal(v) if "." in v else int(v)) for k, v in figures.items()}
        report = AnnualReport.objects.create(period=period, base=base, status=AnnualReport.Status.ACCEPTED,
                                             latest_version_number=1, submitted_at=timezone.now(), narrative=narrative,
                                             **values)
        AnnualReportVersion.objects.create(report=report, number=1, data={**figures, "narrative": narrative},
                                           attachments=[], submitted_by=officer, submitted_at=timezone.now())
        return report
    return make


@pytest.fixture
def experts(user_named):
    return [ExpertProfile.objects.create(user=user_named(u), employer=user_named(u).memberships.get().organization,
                                         specialties=["software"])
            for u in ("expert_li", "expert_huang", "expert_chen")]


@pytest.fixture
def two_bases(make_base, file_report, park_of):
    """黄埔 and 琶洲, designated three years ago, each with the reports of the last two years."""
    last = timezone.localdate().year - 1
    bases = [make_base("广州开发区数字服务出口基地", park_of("park_huangpu")),
             make_base("琶洲数字服务出口基地", park_of("park_pazhou"))]
    for base in bases:
        file_report(base, last - 1)
        file_report(base, last)
    return bases
