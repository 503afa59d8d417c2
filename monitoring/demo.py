"""Demo data of the statistics dashboard: two years of accepted annual progress reports (年度建设进展报告) of the
12 national bases of April 2020 (seed 002; reports of 2020 and 2021, organiser 商务部) and of four Guangdong
provincial bases (reports of 2021 and 2022, organiser 广东省商务厅: three of 第一批广东省数字服务出口基地 created
here, and 湛江经济技术开发区 of ``bases.demo``), so that the dashboard shows real-looking
charts. Reports are history: the organiser records them as they stood on paper (the annual report's import
entries, audited ``report.imported``), each with its frozen version.

Figures in 亿元人民币; exports reported in US dollars are converted at the year's average central parity rate
(``USD``). Taken from the seeds:
- 广州天河中央商务区 (seed 003): 2020 数字服务出口额 10.19亿美元, 生产总值超3000亿元, 数字服务类企业近2万家;
- 杭州高新区（滨江）物联网产业园 (seed 002): 2019 服务贸易出口额 19.87亿美元 (the base of its 2020 figure);
- 齐鲁软件园 (seed 002): 软件和大数据企业近3000家;
- 广州开发区（黄埔区） (seed 003): 2021 数字服务出口执行额 7.28亿美元, 数字服务出口企业101家;
- 琶洲试验区 (seed 003): 2021 数字服务出口额 2756.1万美元, 企业总数3.2万家, 信息技术等领域企业约8000家,
  新一代信息技术服务业营收540.3亿元.
The other figures are illustrative, of the order of the bases' published figures; each second year grows
by the base's rate. 海南生态软件园's 2021 report is still awaiting the organiser (submitted, not accepted),
so that the dashboard shows a year not reported."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from bases.indicators import INDICATOR_FIELDS
from bases.models import AnnualReport, AnnualReportVersion, ReportingPeriod
from portal.accounts.models import Organization, User
from portal.workflow import enter
from publicity.models import DesignatedBase

SHANGHAI = ZoneInfo("Asia/Shanghai")
USD = {2020: Decimal("6.8974"), 2021: Decimal("6.4515"), 2022: Decimal("6.7261")}
NATIONAL_BATCH = "第一批国家数字服务出口基地"
PROVINCIAL_BATCH = "第一批广东省数字服务出口基地"
MINISTRY = "中华人民共和国商务部"
PROVINCE = "广东省商务厅"

# The order of the figures of one year: the fields of bases.indicators, in that order.
FIELDS = INDICATOR_FIELDS


def usd(amount: str, year: int) -> Decimal:
    """亿美元 → 亿元 at the year's rate, two decimals."""
    return (Decimal(amount) * USD[year]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _year(*values) -> dict:
    return dict(zip(FIELDS, values, strict=True))


# name → (figures of 2020, growth of 2021)
# total_output, ict_output, ict_value_added, ict_services_exports, digital_service_exports, foreign_trade_exports,
# enterprise_count, digital_service_enterprise_count, employee_count, ip_count, software_copyright_count
NATIONAL = {
    "中关村软件园": (_year("3520.00", "3015.00", "1105.00", "302.00", "421.50", "1108.00", 720, 318, 95000,
                         30200, 25400), "1.12"),
    "天津经济技术开发区": (_year("9120.00", "420.00", "151.00", "35.20", "55.60", "2210.00", 8100, 182, 381000,
                                 21500, 4300), "1.15"),
    "大连高新技术产业园区": (_year("1210.00", "905.00", "322.00", "110.40", "141.20", "262.00", 5020, 602, 120500,
                                   9800, 8700), "1.05"),
    "上海浦东软件园": (_year("1405.00", "1202.00", "418.00", "95.30", "130.60", "381.00", 2510, 452, 60200,
                             11800, 14200), "1.10"),
    "中国（南京）软件谷": (_year("2810.00", "2502.00", "801.00", "60.20", "85.40", "421.00", 3810, 421, 301000,
                                 16900, 21800), "1.14"),
    "杭州高新技术产业开发区（滨江）物联网产业园": (
        _year("3610.00", "2405.00", "902.00", "105.30", str(usd("21.50", 2020)), "1102.00", 2805, 381, 150200, 28700,
              16100), "1.16"),
    "合肥高新技术产业开发区": (_year("3205.00", "801.00", "301.00", "40.20", "62.30", "902.00", 6010, 262, 200300,
                                     19400, 7600), "1.18"),
    "厦门软件园": (_year("1502.00", "1301.00", "452.00", "45.10", "70.40", "231.00", 3020, 352, 110100,
                         8100, 12600), "1.09"),
    "齐鲁软件园": (_year("2705.00", "2302.00", "781.00", "50.30", "78.20", "302.00", 2980, 301, 180400,
                         14300, 19700), "1.11"),
    "广州天河中央商务区": (_year("3050.00", "1150.00", "498.00", "41.38", str(usd("10.19", 2020)), "310.00",
                                 62000, 19600, 420000, 18600, 11300), "1.09"),
    "海南生态软件园": (_year("802.00", "651.00", "201.00", "12.10", "18.30", "60.20", 10050, 1810, 25100,
                             2100, 3900), "1.35"),
    "成都天府软件园": (_year("1805.00", "1602.00", "561.00", "70.20", "95.10", "382.00", 2010, 652, 90300,
                             9200, 13400), "1.12"),
}
# name, city, (figures of 2021, growth of 2022, park management body)
PROVINCIAL = [
    ("广州开发区（黄埔区）", "广州市", _year("8936.00", "680.00", "255.00", "30.50", str(usd("7.28", 2021)), "1620.00",
                                          48000, 101, 520000, 68500, 21300), "1.12",
     "广州开发区（黄埔区）数字经济产业园管理委员会"),
    ("广州人工智能与数字经济试验区（琶洲核心片区）", "广州市",
     _year("1050.00", "540.30", "238.40", "1.76", str(usd("0.27561", 2021)), "86.40", 32000, 8000, 186000, 12850,
           9640), "1.25", "广州人工智能与数字经济试验区琶洲核心片区管理委员会"),
    # designated before the portal (bases.demo); illustrative figures of a port city's development zone
    ("湛江经济技术开发区", "湛江市", _year("320.00", "12.50", "4.80", "0.62", "0.95", "410.00", 2600, 28, 85000, 2300,
                                       310), "1.15", "湛江经济技术开发区管理委员会"),
    ("深圳市南山软件产业基地", "深圳市", _year("2680.00", "1820.00", "760.00", "96.50", "128.00", "410.00", 1350, 430,
                                           98000, 25600, 18400), "1.08", "深圳市南山软件产业基地管理服务中心"),
]
NOT_YET_ACCEPTED = {("海南生态软件园", 2021)}


def _grown(figures: dict, rate: str) -> dict:
    """The next year's figures: money grown by ``rate``, counts and foreign-trade exports by half as much (so
    that the share of digital-service exports rises, as the bases' reports say it does)."""
    factor = Decimal(rate)
    out = {}
    for key, value in figures.items():
        if key == "foreign_trade_exports":
            out[key] = (Decimal(value) * (1 + (factor - 1) / 2)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        elif isinstance(value, int):
            out[key] = int(value * (1 + (factor - 1) / 2))
        else:
            out[key] = (Decimal(value) * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return out


def _report(period, base, figures: dict, *, submitter, officer, year: int, accepted: bool) -> bool:
    if AnnualReport.objects.filter(period=period, base=base).exists():
        return False
    submitted_at = datetime(year + 1, 3, 20, 10, 0, tzinfo=SHANGHAI)
    decided_at = datetime(year + 1, 4, 15, 15, 0, tzinfo=SHANGHAI)
    values = {k: (Decimal(v) if isinstance(v, str) else v) for k, v in figures.items()}
    report = AnnualReport(
        period=period, base=base, narrative=f"{base.name}{year}年度数字服务出口基地建设进展情况。",
        latest_version_number=1,
        submitted_at=submitted_at, updated_by=submitter, updated_at=submitted_at, created_at=submitted_at,
        decided_by=officer if accepted else None, decided_at=decided_at if accepted else None, **values)
    # a report of a year before the portal: recorded by the organiser in the state it reached on paper
    enter(report, "import_accepted" if accepted else "import_submitted", user=officer,
          organization=period.organiser, data={"year": year})
    AnnualReportVersion.objects.create(
        report=report, number=1, attachments=[], submitted_by=submitter, submitted_at=submitted_at,
        data={**{k: str(v) for k, v in values.items()}, "narrative": report.narrative})
    return True


def _period(organiser, year: int, officer):
    return ReportingPeriod.objects.get_or_create(
        organiser=organiser, year=year,
        defaults={"deadline": date(year + 1, 3, 31), "opened_by": officer,
                  "opened_at": datetime(year + 1, 1, 10, 9, 0, tzinfo=SHANGHAI)})[0]


def _park_user(park) -> User | None:
    if park is None:
        return None
    return User.objects.filter(memberships__organization=park, memberships__role="park_admin").order_by("pk").first()


@transaction.atomic
def load() -> dict:
    ministry = Organization.objects.get(name=MINISTRY)
    province = Organization.objects.get(name=PROVINCE)
    mofcom, gd_officer = User.objects.get(username="mofcom_officer"), User.objects.get(username="gd_officer")
    created = 0
    for name, (figures, rate) in NATIONAL.items():
        base = DesignatedBase.objects.filter(name=name, level=DesignatedBase.Level.NATIONAL,
                                             organiser=ministry).first()
        if base is None:  # publicity.demo and bases.demo create them
            continue
        submitter = _park_user(base.park) or mofcom
        for year, values in ((2020, figures), (2021, _grown(figures, rate))):
            created += _report(_period(ministry, year, mofcom), base, values, submitter=submitter, officer=mofcom,
                               year=year, accepted=(name, year) not in NOT_YET_ACCEPTED)
    for name, city, figures, rate, park_name in PROVINCIAL:
        park = Organization.objects.get(name=park_name)
        base = DesignatedBase.objects.filter(name=name, level=DesignatedBase.Level.PROVINCIAL).first()
        if base is None:
            base = DesignatedBase.objects.create(
                name=name, level=DesignatedBase.Level.PROVINCIAL, batch=PROVINCIAL_BATCH, province="广东省",
                city=city, year=2021, document_number="", park=park, organiser=province)
        submitter = _park_user(park) or gd_officer
        for year, values in ((2021, figures), (2022, _grown(figures, rate))):
            created += _report(_period(province, year, gd_officer), base, values, submitter=submitter,
                               officer=gd_officer, year=year, accepted=True)
    return {"reports_created": created, "accepted": AnnualReport.objects.filter(status="accepted").count()}
