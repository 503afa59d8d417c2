"""The statistics dashboard and the base pages: figures, charts (SVG with title, description and the values),
who sees which base, and a constant number of queries at 10 and 1,000 bases."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bases.models import AnnualReport, ReportingPeriod
from monitoring import charts
from portal.accounts.models import Organization
from publicity.models import DesignatedBase

pytestmark = pytest.mark.django_db
CEILING = 40


def base(name) -> DesignatedBase:
    return DesignatedBase.objects.get(name=name)


def test_the_charts_are_accessible_svg_with_their_values():
    svg = charts.bars([("广州开发区（黄埔区）", Decimal("2.90")), ("深圳市南山软件产业基地", Decimal("31.22")),
                       ("海南生态软件园", None)], dom_id="c1", title="数字服务出口占比", desc="每个基地一条",
                      target=Decimal("30"), target_label="2025年目标30%")
    assert svg.startswith('<svg class="monitoring-chart" id="c1"') and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">数字服务出口占比</title><desc id="c1-desc">每个基地一条</desc>' in svg
    assert "广州开发区（黄埔区）：2.90%" in svg and ">31.22%</text>" in svg and ">—</text>" in svg
    assert 'class="target"' in svg and "2025年目标30%" in svg
    assert "style=" not in svg and "<script" not in svg
    # the met bar is green, the other red
    assert svg.count('fill="#198754"') == 1 and svg.count('fill="#a61b1b"') == 1
    cols = charts.columns([2020, 2021], [("数字服务出口额", {2020: Decimal("70.29"), 2021: Decimal("76.61")}),
                                         ("电信、计算机和信息服务出口额", {2020: Decimal("41.38"), 2021: None})],
                          dom_id="c2", title="出口", desc="按年度", unit="亿元")
    assert "数字服务出口额 2020年：70.29亿元" in cols and ">76.61</text>" in cols and "2021年</text>" in cols
    assert cols.count("<rect") == 3 + 2  # three columns and two legend keys


def test_the_organiser_dashboard_shows_each_base_growth_share_and_missing_years(reports, client_for):
    response = client_for("mofcom_officer").get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert [t.year for t in response.context["totals"]] == [2020, 2021]
    rows = {r.base.name: r for r in response.context["table"]}
    assert len(rows) == 12 and "广州开发区（黄埔区）" not in rows  # the province's bases are not the ministry's
    tianhe = rows["广州天河中央商务区"]
    exports = [c.value for c in tianhe.cells["digital_service_exports"]]
    assert exports == [Decimal("70.28"), Decimal("76.61")]  # seed 003: 10.19亿美元 at 6.8974, then +9%
    assert tianhe.cells["digital_service_exports"][1].growth == Decimal("9.0")
    assert tianhe.cells["digital_export_share"][0].value == Decimal("22.67")
    assert rows["海南生态软件园"].missing_years == [2021]  # its 2021 report is not accepted yet
    assert 'data-testid="missing-year">2021<' in page
    # the charts carry the figures and the goal; a data table sits next to each
    assert 'id="chart-share"' in page and "广州天河中央商务区：23.65%" in page and "2025年目标30%" in page
    assert 'id="chart-totals"' in page and 'data-testid="totals"' in page and 'data-testid="latest-shares"' in page
    totals = {t.year: t for t in response.context["totals"]}
    assert totals[2020].bases == 12 and totals[2021].bases == 11
    assert f"{totals[2020].sums['digital_service_exports']:,}" in page
    assert 'id="annual-report-export"' in page  # the organiser may export


def test_the_province_sees_its_guangdong_bases_against_the_goal(reports, client_for):
    response = client_for("gd_officer").get(reverse("monitoring:dashboard"))
    rows = {r.base.name: r for r in response.context["table"]}
    assert set(rows) == {"广州开发区（黄埔区）", "广州人工智能与数字经济试验区（琶洲核心片区）",
                         "深圳市南山软件产业基地", "湛江经济技术开发区"}
    huangpu = rows["广州开发区（黄埔区）"].cells
    assert huangpu["digital_service_exports"][0].value == Decimal("46.97")  # seed 003: 7.28亿美元 in 2021
    assert huangpu["digital_export_share"][0].status.met is False
    assert rows["深圳市南山软件产业基地"].cells["digital_export_share"][0].status.met is True
    assert [t.year for t in response.context["totals"]] == [2021, 2022]


def test_the_city_bureau_reads_its_citys_bases_only(reports, client_for):
    c = client_for("city_gz")
    response = c.get(reverse("monitoring:dashboard"))
    names = {r.base.name for r in response.context["table"]}
    assert names == {"广州天河中央商务区", "广州开发区（黄埔区）", "广州人工智能与数字经济试验区（琶洲核心片区）"}
    assert 'id="annual-report-export"' not in response.content.decode()  # read-only: no export
    assert c.get(reverse("monitoring:base", args=[base("广州天河中央商务区").pk])).status_code == 200
    assert c.get(reverse("monitoring:base", args=[base("深圳市南山软件产业基地").pk])).status_code == 404
    assert c.post(reverse("monitoring:export")).status_code == 403


def test_a_park_sees_its_own_base_and_no_other(reports, client_for):
    own, other = base("广州开发区（黄埔区）"), base("广州人工智能与数字经济试验区（琶洲核心片区）")
    c = client_for("park_huangpu")
    page = c.get(reverse("monitoring:base", args=[own.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "46.97" in text and 'id="chart-base-share"' in text and 'data-testid="indicators"' in text
    assert "2021：2.90%" in text  # 46.97 / 1620 in the chart
    assert reverse("bases:base", args=[own.pk]) in text  # back to its status and history
    assert c.get(reverse("monitoring:base", args=[other.pk])).status_code == 404
    assert c.get(reverse("monitoring:dashboard")).status_code == 403
    # the public page of the base links to the statistics for those who may read them, not for others
    assert 'data-testid="statistics-link"' in c.get(reverse("bases:base", args=[own.pk])).content.decode()
    assert 'data-testid="statistics-link"' not in c.get(reverse("bases:base", args=[other.pk])).content.decode()
    workspace = c.get(reverse("workspace-park")).content.decode()
    assert reverse("monitoring:base", args=[own.pk]) in workspace
    assert reverse("monitoring:base", args=[other.pk]) not in workspace


def test_the_public_and_other_roles_see_nothing(reports, client, client_for):
    url = reverse("monitoring:base", args=[base("广州天河中央商务区").pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.get(reverse("monitoring:dashboard"))["Location"].startswith(reverse("login"))
    for username in ("expert_li", "gz_cac", "sysadmin"):
        assert client_for(username).get(url).status_code == 404
        assert client_for(username).get(reverse("monitoring:dashboard")).status_code == 403
    assert client_for("gd_officer").get(url).status_code == 404  # a national base: the ministry's


def test_the_base_page_of_a_base_without_reports(reports, client_for):
    empty = DesignatedBase.objects.create(name="新基地", province="广东省", city="广州市", level="provincial",
                                          batch="第二批", year=2026,
                                          organiser=Organization.objects.get(name="广东省商务厅"))
    page = client_for("gd_officer").get(reverse("monitoring:base", args=[empty.pk])).content.decode()
    assert 'data-testid="no-reports"' in page


def _grow(n: int) -> None:
    province = Organization.objects.get(name="广东省商务厅")
    park = Organization.objects.get(name="广州人工智能与数字经济试验区琶洲核心片区管理委员会")  # in 广州
    periods = list(ReportingPeriod.objects.filter(organiser=province).order_by("year"))
    start = DesignatedBase.objects.count()
    bases = DesignatedBase.objects.bulk_create([
        DesignatedBase(name=f"预算基地{start + i}", province="广东省", city="广州市", level="provincial",
                       batch="第一批", year=2021, organiser=province, park=park) for i in range(n)])
    AnnualReport.objects.bulk_create([
        AnnualReport(period=p, base=b, status="accepted", digital_service_exports=Decimal("3.10") + i,
                     foreign_trade_exports=Decimal("40.00"), enterprise_count=100, digital_service_enterprise_count=9)
        for b in bases for i, p in enumerate(periods)])


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


@pytest.mark.parametrize("username", ["gd_officer", "city_gz"])
def test_the_dashboard_runs_a_constant_number_of_queries(reports, client_for, username):
    c, url = client_for(username), reverse("monitoring:dashboard")
    _grow(10)
    small, _response = _queries(c, url)
    _grow(990)
    large, response = _queries(c, url)
    assert response.context["page"].paginator.count >= 1000
    assert len(response.context["table"]) == 50 and max(t.bases for t in response.context["totals"]) >= 1000
    assert large == small and large <= CEILING, (small, large)


def test_the_base_page_runs_a_constant_number_of_queries(reports, client_for):
    c = client_for("park_huangpu")
    url = reverse("monitoring:base", args=[base("广州开发区（黄埔区）").pk])
    _grow(10)
    small, _response = _queries(c, url)
    _grow(990)
    large, response = _queries(c, url)
    assert "46.97" in response.content.decode()
    assert large == small and large <= CEILING, (small, large)
