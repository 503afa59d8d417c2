"""The officer declares next year's working-day calendar from the State Council notice (issue 14 point 5)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.workdays import is_workday

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_officer_is_warned_and_declares_next_year_complete(demo, page, sign_in, monkeypatch, screenshot):
    """DOMAIN §5: the State Council publishes next year's schedule around November; a year beyond the library
    is known only once declared complete with that notice's number."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    sign_in("gd_officer")
    page.wait_for_url("**/workspace/province/")
    warning = page.locator('[data-testid="calendar-warning"]')
    expect(warning).to_contain_text("2027年的工作日历尚未确认完整")
    screenshot("calendar-warning")
    with page.expect_navigation():
        warning.get_by_role("link").click()
    expect(page.locator('[data-testid="year-status"]')).to_have_attribute("data-status", "unknown")
    page.get_by_label("国务院通知文号").fill("国办发明电〔2026〕12号")
    page.get_by_label("通知日期").fill("2026-11-10")
    holidays = page.get_by_label("放假安排")
    holidays.fill("元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 到 二月十三日")
    page.get_by_label("调休上班日").fill("2027-02-14 春节调休上班")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并确认该年完整").click()
    expect(page.get_by_text("第 2 行无法识别")).to_be_visible()
    expect(holidays).to_have_value("元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 到 二月十三日")  # nothing lost
    holidays.fill("元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-13\n国庆节 2027-10-01 至 2027-10-07")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并确认该年完整").click()
    expect(page.locator("main .messages .alert-success")).to_contain_text("2027年已确认完整")
    expect(page.locator('[data-testid="year-status"]')).to_have_attribute("data-status", "declared")
    expect(page.locator("main")).to_contain_text("国办发明电〔2026〕12号")
    screenshot("calendar-declared")
    assert is_workday(date(2027, 2, 14)) and not is_workday(date(2027, 2, 10))
    page.goto("/workspace/province/")
    expect(page.locator('[data-testid="calendar-warning"]')).to_have_count(0)
    expect(page.get_by_role("link", name="工作日历")).to_be_visible()
