"""A calendar year is known only when declared complete (issue 14 point 5, DOMAIN.md §5).

Seed 000 三(三) and seed 001 三(三): “在……政府门户网站公示 5 个工作日”. Working days of a year the
chinesecalendar library does not know come from the State Council's notice, entered and declared complete.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.workdays import UnknownYear, add_workdays, is_workday, year_is_known
from portal.workdays.models import CalendarYear, WorkdayOverride
from portal.workdays.services import declare_year_complete, reopen_year, save_calendar_year

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

HOLIDAYS_2027 = [
    {"name": "元旦", "first": date(2027, 1, 1), "last": date(2027, 1, 3)},
    {"name": "春节", "first": date(2027, 2, 6), "last": date(2027, 2, 13)},
    {"name": "国庆节", "first": date(2027, 10, 1), "last": date(2027, 10, 7)},
]
MAKEUP_2027 = [{"date": date(2027, 2, 14), "note": "春节调休上班"}, {"date": date(2027, 9, 26), "note": "国庆调休"}]


def enter_2027(user, **overrides):
    values = {"year": 2027, "user": user, "notice_number": "国办发明电〔2026〕12号",
              "notice_date": date(2026, 11, 10), "holidays": HOLIDAYS_2027, "makeup_days": MAKEUP_2027}
    values.update(overrides)
    return save_calendar_year(**values)


def test_a_year_is_known_only_when_declared_complete_whatever_single_overrides_exist(user_named):
    """DOMAIN §5: “a year beyond the library counts as known only once its whole schedule has been entered
    and declared complete with that notice's number, never because one day of it was entered.”"""
    WorkdayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="元旦")
    for day in (date(2027, 1, 1), date(2027, 3, 3)):  # the overridden day and any other day
        with pytest.raises(UnknownYear) as exc:
            is_workday(day)
        assert exc.value.year == 2027
    officer = user_named("gd_officer")
    enter_2027(officer)
    with pytest.raises(UnknownYear):  # entered but not declared: still unknown
        is_workday(date(2027, 3, 3))
    assert not year_is_known(2027)
    declare_year_complete(year=2027, user=officer)
    assert year_is_known(2027)
    assert not is_workday(date(2027, 2, 8))   # Monday inside 春节
    assert is_workday(date(2027, 2, 14))      # Sunday, 调休上班
    assert is_workday(date(2027, 3, 3))       # an ordinary Wednesday
    assert not is_workday(date(2027, 3, 6))   # an ordinary Saturday
    assert not is_workday(date(2027, 1, 1))
    # 2026-12-30 Wed, 31 Thu; 1–3 Jan off; Mon 4, Tue 5 Jan.
    assert add_workdays(date(2026, 12, 30), 4) == date(2027, 1, 5)
    verbs = list(AuditEvent.objects.filter(verb__startswith="calendar.").order_by("pk").values_list("verb", flat=True))
    assert verbs == ["calendar.saved", "calendar.declared"]


def test_declaring_a_year_needs_the_notice_number_date_and_holidays(user_named):
    """DOMAIN §5: “declared complete with that notice's number”."""
    officer = user_named("gd_officer")
    enter_2027(officer, notice_number="", holidays=[])
    with pytest.raises(ValidationError) as exc:
        declare_year_complete(year=2027, user=officer)
    assert exc.value.code == "incomplete"
    assert not CalendarYear.objects.get(year=2027).declared_complete


@pytest.mark.parametrize(("field", "holidays", "makeup"), [
    ("holidays", [{"name": "春节", "first": date(2027, 2, 13), "last": date(2027, 2, 6)}], []),
    ("holidays", [{"name": "元旦", "first": date(2026, 12, 31), "last": date(2027, 1, 1)}], []),
    ("makeup_days", HOLIDAYS_2027, [{"date": date(2027, 3, 3), "note": "周三"}]),
    ("makeup_days", HOLIDAYS_2027, [{"date": date(2027, 2, 13), "note": "假期内"}]),
])
def test_the_service_refuses_an_implausible_schedule(user_named, field, holidays, makeup):
    with pytest.raises(ValidationError) as exc:
        enter_2027(user_named("gd_officer"), holidays=holidays, makeup_days=makeup)
    assert field in exc.value.error_dict
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_only_officers_and_administrators_keep_the_calendar(user_named):
    for name in ("city_gz", "park_huangpu", "gd_cac"):
        with pytest.raises(PermissionDenied):
            enter_2027(user_named(name))
    enter_2027(user_named("sysadmin"))


def test_a_declared_year_is_changed_only_after_reopening_it(user_named):
    officer = user_named("gd_officer")
    enter_2027(officer)
    declare_year_complete(year=2027, user=officer)
    with pytest.raises(ValidationError):
        enter_2027(officer, makeup_days=[])
    reopen_year(year=2027, user=officer, reason="国务院补充通知")
    with pytest.raises(UnknownYear):
        is_workday(date(2027, 3, 3))
    assert AuditEvent.objects.filter(verb="calendar.reopened", data__reason="国务院补充通知").exists()


def test_the_officer_enters_and_declares_the_year_through_the_form(client_for):
    """The officer types the State Council notice as it reads, one holiday per line."""
    client = client_for("gd_officer")
    url = reverse("workdays:year", args=[2027])
    bad = client.post(url, {"_action": "declare", "notice_number": "国办发明电〔2026〕12号",
                            "notice_date": "2026-11-10", "holidays": "春节 二月六日", "makeup_days": ""})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "第 1 行无法识别" in page and "春节 二月六日" in page  # the message, and what was typed is kept
    assert not CalendarYear.objects.exists()
    response = client.post(url, {
        "_action": "declare", "notice_number": "国办发明电〔2026〕12号", "notice_date": "2026-11-10",
        "holidays": "元旦 2027-01-01 至 2027-01-03\n春节 2027年2月6日 至 2027年2月13日\n"
                    "国庆节 2027-10-01 至 2027-10-07",
        "makeup_days": "2027-02-14 春节调休上班\n2027-09-26"})
    assert response.status_code == 302
    record = CalendarYear.objects.get(year=2027)
    assert record.declared_complete and record.notice_number == "国办发明电〔2026〕12号"
    assert [h["name"] for h in record.holidays] == ["元旦", "春节", "国庆节"]
    assert is_workday(date(2027, 2, 14)) and not is_workday(date(2027, 2, 12))
    page = client.get(url).content.decode()
    assert 'data-status="declared"' in page and "国办发明电〔2026〕12号" in page
    assert client_for("city_gz").get(url).status_code == 403


@pytest.mark.parametrize(("today", "warned"), [
    (date(2026, 10, 31), False),
    (date(2026, 11, 1), True),
    (date(2026, 12, 20), True),
])
def test_from_1_november_the_organiser_is_warned_while_next_year_is_not_declared(client_for, monkeypatch,
                                                                                    today, warned):
    """DOMAIN §5: “The State Council publishes each next year's schedule … around November”."""
    monkeypatch.setattr(timezone, "now", lambda: datetime.combine(today, datetime.min.time(), SHANGHAI)
                        .replace(hour=10))
    client = client_for("gd_officer")
    page = client.get(reverse("workspace-province")).content.decode()
    assert ('data-testid="calendar-warning"' in page) is warned
    if warned:
        assert "2027" in page and reverse("workdays:year", args=[2027]) in page


def test_the_warning_goes_once_next_year_is_declared(client_for, user_named, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    officer = user_named("gd_officer")
    enter_2027(officer)
    declare_year_complete(year=2027, user=officer)
    page = client_for("gd_officer").get(reverse("workspace-province")).content.decode()
    assert 'data-testid="calendar-warning"' not in page
