import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_park_user_signs_in_and_sees_the_workspace_in_chinese(demo, page, sign_in, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("数字服务出口基地申报评审平台")
    screenshot("home")
    sign_in("park_pazhou")
    page.wait_for_url("**/workspace/park/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的申报")
    expect(page.get_by_text("广州人工智能与数字经济试验区琶洲核心片区管理委员会")).to_be_visible()
    expect(page.get_by_role("link", name="初审")).to_have_count(0)
    screenshot("park-workspace")


def test_wrong_password_shows_the_message_in_the_browser(demo, page, sign_in):
    sign_in("park_pazhou", "wrong-password-1")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
