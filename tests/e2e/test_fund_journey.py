"""The service-trade fund of 珠商〔2019〕28号 in a real browser, on the same workflow engine as the bases.

The city bureau's fund officer drafts the call with the guide's items and opens it; an enterprise of 香洲区 applies for
two items; 香洲区's commerce bureau passes it; the city bureau scores, proposes the support and drafts the plan; the
plan is on public notice for five working days; a member of the public objects on the notice's form, the objection is
upheld and cancels one item; the city government's approval is recorded; the plan is issued, and its PDF and Word say
so.
"""

import io
import re
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from applications.demo import _pdf
from funds import demo as fund_demo
from tests.e2e.test_full_journey import SHANGHAI, Clock, _new_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday: the notice runs 2 to 8 December
AFTER_NOTICE = datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI)
ENTERPRISE = "广东飞企互联科技股份有限公司"
SAVE = 'button[name="_action"][value="save"]'


def _fill(page: Page, values: dict) -> None:
    for name, value in values.items():
        page.locator(f'[name="{name}"]').fill(value)


def _save(page: Page, app_id: str, following: str) -> None:
    page.locator(SAVE).click()
    page.wait_for_url(f"**/applications/{app_id}/section/{following}/")


@pytest.fixture
def fund_accounts(demo):
    """The fund's district bureaus, enterprises and officers (no call: the officer drafts it)."""
    fund_demo.load_accounts()


def test_an_enterprise_applies_and_the_plan_is_issued(fund_accounts, browser, live_server, monkeypatch, tmp_path):
    clock = Clock(monkeypatch, START)
    contexts: list = []

    def person(username: str) -> Page:
        page = _new_page(browser, live_server.url, contexts)
        sign_in(page, username)
        return page

    # 0. The city bureau's fund officer drafts the call from the workspace, with the guide's items, and opens it.
    city = person("zh_fund")
    expect(city).to_have_url(re.compile(r"/workspace/fund/$"))
    city.locator('a[href="/funds/city/calls/new/"]').first.click()
    expect(city.locator('input[name="items"]:checked')).to_have_count(13)  # the guide's items, all offered
    _fill(city, {"year": "2019", "document_number": "珠商〔2019〕28号", "park_deadline": "2026-12-31T17:30",
                 "recommend_deadline": "2027-01-15T17:30", "publicity_days": "5"})
    city.locator('[data-testid="call-form"] button[type="submit"]').click()
    city.wait_for_url(re.compile(r"/funds/city/calls/\d+/$"))
    call_id = re.search(r"/funds/city/calls/(\d+)/", city.url).group(1)
    expect(city.locator("h1")).to_have_text("2019年珠海市内外经贸发展专项资金（服务贸易发展事项）申报")
    expect(city.locator('[data-testid="call-status"]')).to_have_text("草稿")
    city.locator('[data-testid="call-open"]').click()
    expect(city.locator('[data-testid="call-status"]')).not_to_have_text("草稿")
    expect(city.locator('[data-testid="call-close"]')).to_be_visible()

    # 1. The enterprise chooses two items of the call and fills the sections they bring.
    enterprise = person("ent_feiqi")
    expect(enterprise).to_have_url(re.compile(r"/workspace/enterprise/$"))
    enterprise.locator(f'a[href="/funds/calls/{call_id}/"]').click()
    expect(enterprise.locator('[data-testid="fund-items"] tbody tr')).to_have_count(13)
    enterprise.locator('input[name="items"][value="offshore"]').check()
    enterprise.locator('input[name="items"][value="insurance"]').check()
    enterprise.locator(f'form[action$="/funds/calls/{call_id}/start/"] button[type="submit"]').click()
    enterprise.wait_for_url(re.compile(r"/applications/\d+/section/cover/$"))
    app_id = re.search(r"/applications/(\d+)/", enterprise.url).group(1)
    expect(enterprise.locator("[data-section]")).to_have_count(4)  # enterprise, two items, materials
    expect(enterprise.locator('[name="park_name"]')).to_have_value(ENTERPRISE)
    _fill(enterprise, {"legal_representative": "杨通", "contact_person": "许文博", "contact_phone": "0756-3628126",
                       "contact_email": "xu@feiqi.example.com", "address": "珠海市香洲区科技一路",
                       "business": "协同办公软件研发与离岸软件外包服务。"})
    enterprise.locator('[name="not_blacklisted"]').check()
    _save(enterprise, app_id, "item-offshore")
    _fill(enterprise, {"offshore_metric": "1230.00", "offshore_expenditure": "5200000.00",
                       "offshore_description": "承接日本、香港客户的软件研发外包。",
                       "contracts-0-name": "日本协同办公软件开发合同", "contracts-0-business_type": "软件研发服务",
                       "contracts-0-contract_amount": "1500.00", "contracts-0-executed_amount": "1230.00",
                       "contracts-0-executed_on": "2018-12-20"})
    enterprise.locator('[name="offshore_requested"]').fill("400000.00")  # above the cap of 30万元
    row = enterprise.locator('[data-criterion="offshore"]')
    expect(row).to_have_class(re.compile(r"\btable-warning\b"))  # the live check, before any save
    enterprise.locator('[name="offshore_requested"]').fill("300000.00")
    expect(row).not_to_have_class(re.compile(r"\btable-warning\b"))
    _save(enterprise, app_id, "item-insurance")
    _fill(enterprise, {"insurance_expenditure": "46000.00", "insurance_requested": "46000.00",
                       "insurance_description": "投保短期出口信用保险（服务贸易）。",
                       "policies-0-policy_number": "SINO-2018-1109", "policies-0-insurer": "中国出口信用保险公司",
                       "policies-0-period": "2018年全年", "policies-0-premium": "46000.00"})
    _save(enterprise, app_id, "evidence")
    categories = enterprise.locator('select[name="category"] option').evaluate_all(
        "options => options.map(o => o.value).filter(v => v)")
    assert "服务外包业绩（离岸业务）：银行出具的收汇凭证" in categories  # the item's own materials
    path = tmp_path / "申请表.pdf"
    path.write_bytes(_pdf("form"))
    enterprise.locator('select[name="category"]').select_option(categories[0])
    enterprise.locator('input[name="file"]').set_input_files(path)
    enterprise.locator(f'form[action$="/applications/{app_id}/attachments/"] button[type="submit"]').click()
    expect(enterprise.locator('[data-testid="attachments"]')).to_contain_text("申请表.pdf")
    enterprise.goto(f"/applications/{app_id}/submit/")
    enterprise.locator('[name="confirm"]').check()
    enterprise.locator('main form button[type="submit"]').click()
    enterprise.wait_for_url(f"**/applications/{app_id}/versions/1/")

    # 2. 香洲区's commerce bureau does the preliminary review (金湾区's does not even see it).
    jinwan = person("district_jw")
    jinwan.goto("/funds/district/")
    expect(jinwan.locator('[data-testid="district-inbox"]')).not_to_contain_text(ENTERPRISE)
    assert jinwan.goto(f"/funds/district/{app_id}/").status == 404
    district = person("district_xz")
    district.goto("/funds/district/")
    district.locator(f'[data-testid="district-inbox"] a.btn[href="/funds/district/{app_id}/"]').click()
    expect(district.locator('[data-testid="item-requests"]')).to_contain_text("30.00")  # the maximum, frozen
    district.locator('input[name="decision"][value="approve"]').check()
    district.locator('[name="opinion"]').fill("经核实，企业2018年离岸执行额与系统填报一致，同意推荐。")
    district.locator('[data-testid="district-form"] button[type="submit"]').click()
    district.wait_for_url("**/funds/district/")

    # 3. The city bureau scores and proposes the support, then drafts the plan and posts it.
    city.goto(f"/funds/city/calls/{call_id}/")
    city.locator(f'[data-testid="city-applications"] a.btn[href="/funds/city/applications/{app_id}/"]').click()
    offshore_amount, insurance_amount = city.locator('input[name^="amount_"]').all()
    city.locator('input[name^="score_"]').first.fill("90")
    offshore_amount.fill("300000.01")
    insurance_amount.fill("46000.00")
    city.locator('input[name="decision"][value="evaluate"]').check()
    city.locator('[name="opinion"]').fill("形式审查合格，评审通过。")
    city.locator('[data-testid="city-form"] button[type="submit"]').click()
    expect(city.locator(".invalid-feedback").first).to_contain_text("300000")  # above the item's maximum: refused
    city.locator('input[name^="amount_"]').first.fill("300000.00")
    city.locator('[data-testid="city-form"] button[type="submit"]').click()
    city.wait_for_url(f"**/funds/city/calls/{call_id}/")
    city.goto(f"/funds/city/calls/{call_id}/plan/")
    city.locator('form[action$="/plan/draft/"] button').click()
    expect(city.locator('[data-testid="plan-total"]')).to_have_text("34.60")
    city.locator(f'a[href="/funds/city/calls/{call_id}/plan/publish/"]').click()
    city.locator('[name="start"]').fill("2026-12-02")
    city.locator('[data-testid="plan-step"] button').click()
    expect(city.locator('[data-testid="plan-window"]')).to_contain_text("2026年12月2日至2026年12月8日")

    # 4. Anyone reads the notice and objects on its form; the objection is upheld: the insurance item is cancelled.
    public = _new_page(browser, live_server.url, contexts)
    public.goto(f"/funds/calls/{call_id}/notice/")
    expect(public.locator('[data-testid="notice-rows"]')).to_contain_text("服务贸易出口信保")
    public.locator('[data-testid="object-link"]').click()
    public.locator('[name="item_request"]').select_option(label=f"{ENTERPRISE} · 服务贸易出口信保")
    _fill(public, {"name": "王磊", "id_number": "11010519491231002X", "phone": "1380013800",
                   "email": "wanglei@example.com", "facts": "所附保险费发票属于2017年度，不在支持期间，请予核查。"})
    public.locator('[data-testid="public-objection"] button[type="submit"]').click()
    expect(public.locator("#div_id_phone .invalid-feedback")).to_be_visible()
    public.locator('[name="phone"]').fill("13800138000")  # one digit was missing: said beside the field
    public.locator('[data-testid="public-objection"] button[type="submit"]').click()
    public.wait_for_url(f"**/funds/calls/{call_id}/notice/object/received/")
    code = public.locator('[data-testid="tracking-code"]').inner_text()
    assert re.fullmatch(r"YY-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    city.goto(f"/funds/city/calls/{call_id}/plan/")
    expect(city.locator('[data-testid="objection-channel"]')).to_contain_text(code)
    objection = city.locator('[data-testid="objection"]')
    objection.locator('input[value="yes"]').check()
    objection.locator("textarea").fill("经核查，保险费发票开具于2017年，情况属实，取消该项目支持资格。")
    objection.get_by_role("button", name="记录核查结论").click()  # beside it: the reveal of the objector's numbers
    expect(city.locator('[data-testid="cancelled"]')).to_contain_text("服务贸易出口信保")
    expect(city.locator('[data-testid="plan-total"]')).to_have_text("30.00")
    # before the end of the notice the engine offers no submission to the city government
    expect(city.locator(f'a[href="/funds/city/calls/{call_id}/plan/submit/"]')).to_have_count(0)

    # 5. After the notice: to the city government, its approval recorded, the plan issued.
    clock.jump_to(AFTER_NOTICE)
    for page in (city, enterprise):  # a week later: the sessions have ended, both sign in again
        sign_in(page, "zh_fund" if page is city else "ent_feiqi")
    city.goto(f"/funds/city/calls/{call_id}/plan/")
    city.locator(f'a[href="/funds/city/calls/{call_id}/plan/submit/"]').click()
    city.locator('[data-testid="plan-step"] button').click()
    city.locator(f'a[href="/funds/city/calls/{call_id}/plan/approval/"]').click()
    reply = tmp_path / "市政府批复.pdf"
    reply.write_bytes(_pdf("reply"))
    _fill(city, {"document_number": "珠府函〔2026〕88号", "document_date": "2026-12-09"})
    city.locator('[name="file"]').set_input_files(reply)
    city.locator('[data-testid="plan-step"] button').click()
    expect(city.locator('[data-testid="plan-approval"]')).to_contain_text("珠府函〔2026〕88号")
    city.locator(f'a[href="/funds/city/calls/{call_id}/plan/issue/"]').click()
    _fill(city, {"document_number": "珠商〔2026〕120号", "document_date": "2026-12-09"})
    city.locator('[data-testid="plan-step"] button').click()
    expect(city.locator('[data-testid="plan-pdf"]')).to_be_visible()

    with city.expect_download() as pdf_download:
        city.locator('[data-testid="plan-pdf"]').click()
    with city.expect_download() as docx_download:
        city.locator('[data-testid="plan-docx"]').click()
    from docx import Document
    from pypdf import PdfReader

    pdf_text = "".join("".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages).split())
    assert "珠海市商务局关于下达" in pdf_text and "珠商〔2026〕120号" in pdf_text
    assert "珠府函〔2026〕88号" in pdf_text and ENTERPRISE in pdf_text and "服务外包业绩（离岸业务）" in pdf_text
    assert "服务贸易出口信保" not in pdf_text  # cancelled after the upheld objection
    word = Document(io.BytesIO(open(docx_download.value.path(), "rb").read()))
    word_text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        c.text for t in word.tables for r in t.rows for c in r.cells)
    assert "珠商〔2026〕120号" in word_text and ENTERPRISE in word_text and "30.00" in word_text
    assert "服务贸易出口信保" not in word_text

    # 6. The enterprise reads the outcome.
    enterprise.goto("/workspace/enterprise/")
    expect(enterprise.locator('[data-testid="fund-state"]')).to_have_text("已获资助")
    for context in contexts:
        context.close()
