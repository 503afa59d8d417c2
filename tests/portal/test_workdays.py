"""Chinese official working days: holidays off, make-up days on, overrides first, unknown years loud."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.workdays import UnknownYear, add_workdays, is_workday, workdays_between
from portal.workdays.models import CalendarYear, WorkdayOverride

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "days", "end", "why"), [
    (date(2026, 9, 28), 5, date(2026, 10, 9), "National Day and Mid-Autumn 10-01..10-08 off"),
    (date(2026, 2, 13), 5, date(2026, 2, 26), "Spring Festival 2026; Saturday 02-14 is a make-up day"),
    (date(2026, 4, 30), 5, date(2026, 5, 9), "May Day 05-01..05-05 off; Saturday 05-09 is make-up"),
    (date(2025, 9, 26), 5, date(2025, 10, 9), "2025 National Day 10-01..08 off; Sunday 09-28 make-up"),
    (date(2025, 5, 29), 5, date(2025, 6, 5), "Dragon Boat 2025: 05-31..06-02 off"),
    (date(2025, 4, 3), 5, date(2025, 4, 10), "Qingming 2025: 04-04..04-06 off"),
    (date(2024, 9, 13), 5, date(2024, 9, 20), "Mid-Autumn 2024: 09-15..17 off, Saturday 09-14 make-up"),
    (date(2026, 11, 21), 5, date(2026, 11, 27), "a Saturday start counts from the next working day"),
])
def test_publicity_windows_around_holidays(start, days, end, why):
    assert add_workdays(start, days) == end, why


def test_a_make_up_saturday_is_a_working_day_and_a_holiday_monday_is_not():
    assert is_workday(date(2026, 2, 14))       # Saturday, 调休上班
    assert not is_workday(date(2026, 2, 16))   # Monday, Spring Festival
    assert not is_workday(date(2026, 10, 5))   # Monday, National Day


def test_an_unknown_year_raises_a_clear_error_naming_it():
    with pytest.raises(UnknownYear) as exc:
        add_workdays(date(2026, 12, 28), 5)
    assert exc.value.year == 2027
    assert "2027" in str(exc.value) and ("override" in str(exc.value).lower() or "工作日" in str(exc.value))


def test_overrides_take_precedence_and_cover_a_new_year():
    # 2027 is known once its schedule is declared complete (here with no holiday of its own).
    CalendarYear.objects.create(year=2027, notice_number="国办发明电〔2026〕12号", notice_date=date(2026, 11, 10),
                                declared_complete=True)
    WorkdayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="元旦")
    WorkdayOverride.objects.create(date=date(2026, 12, 31), is_workday=False, note="测试：调整为休息")
    # 2026-12-28 Mon..30 Wed, 12-31 off (override), 2027-01-01 off, 01-04 Mon, 01-05 Tue.
    assert add_workdays(date(2026, 12, 28), 5) == date(2027, 1, 5)


def test_workdays_between_counts_what_is_left():
    assert workdays_between(date(2026, 9, 29), date(2026, 10, 9)) == 3
    assert workdays_between(date(2026, 10, 9), date(2026, 10, 9)) == 0


known_days = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 11, 30))


@given(start=known_days, days=st.integers(min_value=1, max_value=15))
def test_window_properties(start, days):
    end = add_workdays(start, days)
    span = [start + timedelta(n) for n in range((end - start).days + 1)]
    working = [d for d in span if chinese_calendar.is_workday(d)]
    assert len(working) == days          # exactly `days` working days in the window
    assert chinese_calendar.is_workday(end)   # it ends on a working day
    assert end >= start
    assert add_workdays(start, days + 1) > end  # longer windows end later


@given(start=known_days, days=st.integers(min_value=1, max_value=10))
def test_window_is_additive(start, days):
    end = add_workdays(start, days)
    assert add_workdays(end + timedelta(days=1), 1) == add_workdays(start, days + 1)
