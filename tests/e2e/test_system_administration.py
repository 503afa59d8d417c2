"""The system administrator's 系统管理 screens in the browser: a role is granted and removed through the audited
services, the audit log reads in Chinese, and nothing on the screens can make anyone superuser or staff."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_grants_and_removes_a_role_and_reads_it_in_the_audit_log(demo, page, sign_in):
    from portal.accounts.models import Membership, User

    sign_in("sysadmin")
    page.wait_for_url("**/workspace/system/")
    page.get_by_role("link", name="用户与角色").first.click()
    page.get_by_label("按用户名、姓名或邮箱搜索").fill("expert_chen")
    page.get_by_role("button", name="搜索").click()
    page.locator('[data-user="expert_chen"] a').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("expert_chen")
    expect(page.locator('[name="is_superuser"], [name="is_staff"], [name="groups"]')).to_have_count(0)
    page.locator("select[name=organization]").select_option(label="广州开发区（黄埔区）数字经济产业园管理委员会")
    page.locator("select[name=role]").select_option(label="园区管理员")
    page.get_by_role("button", name="授予").click()
    expect(page.locator("main .alert-success")).to_contain_text("角色已授予")
    row = page.locator('[data-testid="memberships"] tr', has_text="园区管理员")
    expect(row).to_contain_text("广州开发区（黄埔区）数字经济产业园管理委员会")
    row.get_by_role("button", name="删除").click()  # the confirmation dialog is accepted by the fixture
    expect(page.locator("main .alert-success")).to_contain_text("角色已撤销")
    assert not Membership.objects.filter(user__username="expert_chen", role="park_admin", is_active=True).exists()

    page.get_by_role("link", name="审计日志").first.click()
    page.get_by_label("操作人（用户名或姓名）").fill("sysadmin")
    page.get_by_role("button", name="筛选").click()
    log = page.locator('[data-testid="audit-log"]')
    expect(log).to_contain_text("授予角色")
    expect(log).to_contain_text("撤销角色")
    assert not User.objects.get(username="expert_chen").is_staff
