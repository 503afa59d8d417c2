"""A park prepares, submits and exports its dossier in a real browser (Playwright + Chromium).

Elements are located by form field names, URLs and data-* attributes, never by English text, so the
tests hold whatever language the interface is shown in.
"""

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from applications.demo import _pdf
from tests.applications.conftest import calls, gd_call  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARK_USER = "park_huangpu"
PARK_NAME = "广州开发区（黄埔区）数字经济产业园管理委员会"
SECTION_KEYS = ["cover", "overview", "foundations", "advantages", "plans", "evidence", "conditions"]
SAVE = 'button[name="_action"][value="save"]'

COVER = {
    "legal_representative": "黄伟东",
    "contact_person": "黄晓燕",
    "contact_phone": "020-82111234",
    "contact_email": "huangpu@demo.gov.cn",
    "address": "广州市黄埔区开创大道2666号",
}
OVERVIEW = {
    "established_on": "2005-06-01",
    "area_km2": "484.17",
    "history": "广州经济技术开发区成立于1984年，2005年与黄埔区实行“区政合一”管理体制，"
               "获评首批国家专业服务出口基地（知识产权）。",
    "location": "位于广州市东部，珠江黄埔港畔，是粤港澳大湾区科技创新走廊重要节点。",
    "total_output": "8936.00",
    "total_exports": "1620.00",
    "enterprise_count": "48000",
    "employee_count": "520000",
    "ip_count": "68500",
    "software_copyright_count": "21300",
    "pilot_experience": "开展知识产权运用和保护综合改革试验，建设中新广州知识城，推进营商环境改革。",
    "key_industries-0-name": "新一代信息技术",
    "key_industries-0-output": "2850.00",
    "key_industries-0-description": "集成电路、新型显示与软件",
}
FOUNDATIONS = {
    "digital_infrastructure": "建成工业互联网标识解析国家顶级节点（广州），数据中心机架超过2万个，"
                              "5G基站实现园区全覆盖。",
    "statistics_system": "依托服贸直报系统和服务外包统计系统，建立重点企业联系制度，按月采集企业"
                         "数字服务进出口数据，实现在线统计监测。",
    "cybersecurity": "严格落实《网络安全法》《数据安全法》，建立等级保护测评、数据出境安全评估和应急处置"
                     "机制，每年开展网络安全攻防演练。",
    "ict_output": "680.00",
    "ict_value_added": "255.00",
    "enterprises_trade_direct": "60", "enterprises_outsourcing": "51", "enterprises_both": "10",
}
ADVANTAGES = {
    "positioning": "建设具有全球影响力的湾区创新策源地和数字服务出口高地。",
    "rd_investment": "312.00",
    "policy_support": "出台“黄埔区数字经济20条”等政策，对数字服务出口企业给予奖励。",
    "leading_enterprises-0-name": "广州视源电子科技股份有限公司",
    "leading_enterprises-0-field": "智能交互显示与软件",
    "leading_enterprises-0-exports": "12.40",
}
PLANS = {
    "plans": "依托知识城和科学城，推动数字服务与先进制造业融合发展；到2025年数字服务出口额年均增长15%以上，"
             "培育10家以上数字服务出口龙头企业。",
}
EVIDENCE_FILES = ["园区管理机构法人证书.pdf", "2021年度园区统计公报.pdf", "数字服务出口统计报表.pdf"]


def _fill(page: Page, values: dict) -> None:
    for name, value in values.items():
        page.locator(f'[name="{name}"]').fill(value)


def _save_section(page: Page, app_id: str, key: str) -> None:
    """Save the section on screen and land on the next one (or on the submit page after the last)."""
    following = SECTION_KEYS[SECTION_KEYS.index(key) + 1]
    page.locator(SAVE).click()
    page.wait_for_url(f"**/applications/{app_id}/section/{following}/")
    expect(page.locator(f'[data-section="{key}"]')).to_have_attribute("data-complete", "1")


def _sign_in_by_field_names(page: Page, username: str) -> None:
    from portal.accounts.demo import DEMO_PASSWORD

    page.goto("/accounts/login/")
    page.locator('main [name="username"]').fill(username)
    page.locator('main [name="password"]').fill(DEMO_PASSWORD)
    page.locator('main form button[type="submit"]').click()
    page.wait_for_url("**/workspace/**")


def _start_application(page: Page, call_id: int) -> str:
    """From the park workspace, start the application for the call; return its id (from the URL)."""
    page.locator(f'form[action$="/applications/calls/{call_id}/start/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/applications/\d+/section/cover/$"))
    return re.search(r"/applications/(\d+)/section/", page.url).group(1)


def _embedded_cjk_fonts(pdf: Path) -> list[str]:
    """Names of the fonts pdffonts reports as embedded whose name contains CJK."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    header, rule = lines[0], lines[1]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    emb_col = next(i for i, (a, b) in enumerate(spans) if header[a:b + 1].strip().startswith("emb"))
    fonts = []
    for row in lines[2:]:
        cells = [row[a:b + 1].strip() for a, b in spans]
        if "CJK" in cells[0] and cells[emb_col] == "yes":
            fonts.append(cells[0])
    return fonts


def test_park_prepares_submits_and_exports_its_dossier(gd_call, page, sign_in, screenshot,  # noqa: F811
                                                       tmp_path):
    # 1. Sign in and start the application for the open Guangdong call.
    sign_in(PARK_USER)
    page.wait_for_url("**/workspace/park/")
    expect(page.locator(f'form[action$="/applications/calls/{gd_call.pk}/start/"]')).to_be_visible()
    screenshot("park-01-workspace")
    app_id = _start_application(page, gd_call.pk)
    expect(page.locator('[data-testid="application-state"]')).to_have_class(re.compile(r"\bstate-draft\b"))
    expect(page.locator('[data-section]')).to_have_count(len(SECTION_KEYS))
    expect(page.locator('[data-section][data-complete="1"]')).to_have_count(0)

    # 2a. Cover: the park's name is filled in already.
    expect(page.locator('[name="park_name"]')).to_have_value(PARK_NAME)
    _fill(page, COVER)
    screenshot("park-02-cover")
    _save_section(page, app_id, "cover")

    # 2b. Park overview with one key-industry row.
    _fill(page, OVERVIEW)
    screenshot("park-03-overview")
    _save_section(page, app_id, "overview")

    # 2c. Foundations: the eligibility check follows the figures as they are typed (htmx autosave).
    _fill(page, FOUNDATIONS)
    foundations_url = page.url
    ict_exports_row = page.locator('[data-criterion="ict_exports"]')
    expect(ict_exports_row).not_to_have_class(re.compile(r"\btable-warning\b"))
    page.locator('[name="ict_exports"]').fill("1.50")  # below the 珠三角 threshold of 2 亿元
    expect(ict_exports_row).to_have_class(re.compile(r"\btable-warning\b"))
    expect(page.locator("#autosave-status")).not_to_be_empty()
    assert page.url == foundations_url  # the form was not submitted
    screenshot("park-04-foundations-below-threshold")
    page.locator('[name="ict_exports"]').fill("47.03")
    expect(ict_exports_row).not_to_have_class(re.compile(r"\btable-warning\b"))
    expect(page.locator(".eligibility-table tr.table-warning")).to_have_count(0)
    assert page.url == foundations_url
    screenshot("park-05-foundations")
    _save_section(page, app_id, "foundations")

    # 2d. Advantages with one leading enterprise.
    _fill(page, ADVANTAGES)
    screenshot("park-06-advantages")
    _save_section(page, app_id, "advantages")

    # 2e. Plans.
    _fill(page, PLANS)
    screenshot("park-07-plans")
    _save_section(page, app_id, "plans")

    # 3. Evidence: one PDF per category; a renamed executable is refused.
    categories = page.locator('select[name="category"] option').evaluate_all(
        "options => options.map(o => o.value).filter(v => v)")
    assert len(categories) == 3
    upload_button = page.locator(f'form[action$="/applications/{app_id}/attachments/"] button[type="submit"]')
    for number, (category, name) in enumerate(zip(categories, EVIDENCE_FILES, strict=True), start=1):
        path = tmp_path / name
        path.write_bytes(_pdf(f"evidence {number}"))  # distinct contents (_pdf keeps Latin-1 only)
        page.locator('select[name="category"]').select_option(category)
        page.locator('input[name="file"]').set_input_files(path)
        upload_button.click()
        page.wait_for_load_state()
        expect(page.locator('[data-testid="attachments"]')).to_contain_text(name)
    attachments = page.locator('[data-testid="attachments"] tbody tr')
    expect(attachments).to_have_count(3)
    for category, name in zip(categories, EVIDENCE_FILES, strict=True):
        expect(attachments.filter(has_text=name)).to_contain_text(category)
    expect(page.locator('[data-section="evidence"]')).to_have_attribute("data-complete", "1")
    screenshot("park-08-evidence")

    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ" + bytes(2046))
    page.locator('select[name="category"]').select_option(categories[0])
    page.locator('input[name="file"]').set_input_files(fake)
    upload_button.click()
    file_error = page.locator('form:has(input[name="file"]) .invalid-feedback')
    expect(file_error).to_be_visible()
    expect(file_error).to_contain_text("fake.pdf")
    expect(page.locator('input[name="file"]')).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(attachments).to_have_count(3)
    expect(page.locator('[data-testid="attachments"]')).not_to_contain_text("fake.pdf")
    screenshot("park-09-evidence-refused")

    # 4. Basic conditions: declare each, explain it and link a piece of evidence.
    page.goto(f"/applications/{app_id}/section/conditions/")
    for i in range(1, 7):
        name = EVIDENCE_FILES[(i - 1) % 3]
        page.locator(f'[name="c{i}_declared"]').check()
        page.locator(f'[name="c{i}_explanation"]').fill(
            f"园区符合第{i}项基本条件，详见所附《{name.removesuffix('.pdf')}》。")
        condition = page.locator(f'fieldset:has([name="c{i}_declared"])')
        expect(condition.locator(f'[name="c{i}_evidence"]')).to_have_count(3)
        condition.get_by_label(name).check()
        expect(condition.locator(f'[name="c{i}_evidence"]:checked')).to_have_count(1)
    screenshot("park-10-conditions")
    page.locator(SAVE).click()

    # 5. Every section complete; confirm and submit.
    page.wait_for_url(f"**/applications/{app_id}/submit/")
    expect(page.locator('[data-section][data-complete="1"]')).to_have_count(len(SECTION_KEYS))
    expect(page.locator('[data-section][data-complete="0"]')).to_have_count(0)
    expect(page.locator('[name="justification"]')).to_have_count(0)  # every criterion is met
    page.locator('[name="confirm"]').check()
    screenshot("park-11-submit")
    page.locator('form:has([name="confirm"]) button[type="submit"]').click()
    page.wait_for_url(f"**/applications/{app_id}/versions/1/")
    state = page.locator('[data-testid="application-state"]')
    expect(state).to_have_class(re.compile(r"\bstate-submitted\b"))
    expect(page.locator('[data-testid="misses"]')).to_have_count(0)
    expect(page.locator("main")).to_contain_text("47.03")
    expect(page.locator("main")).to_contain_text("广州视源电子科技股份有限公司")
    screenshot("park-12-version")

    # 6. Generate the Word and PDF dossiers and download them.
    downloads = {}
    for fmt in ("docx", "pdf"):
        panel = page.locator(f"#export-{fmt}")
        expect(panel).to_have_attribute("data-status", "none")
        panel.locator(f'form[action$="/versions/1/export/{fmt}/"] button[type="submit"]').click()
        expect(page.locator(f"#export-{fmt}")).to_have_attribute("data-status", "ready", timeout=60000)
        assert page.url.endswith(f"/applications/{app_id}/versions/1/")  # swapped in place by htmx
        with page.expect_download() as info:
            page.locator(f'#export-{fmt} a[href$="/versions/1/export/{fmt}/download/"]').click()
        download = info.value
        assert download.suggested_filename.endswith(f"-v1.{fmt}")
        target = tmp_path / f"dossier.{fmt}"
        download.save_as(target)
        downloads[fmt] = target
    screenshot("park-13-exports")

    import docx

    document = docx.Document(str(downloads["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert PARK_NAME in text
    assert "广州视源电子科技股份有限公司" in text

    pdf_bytes = downloads["pdf"].read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    assert _embedded_cjk_fonts(downloads["pdf"]), "the PDF embeds no CJK font"


def test_autosaved_text_survives_closing_the_browser(gd_call, browser, live_server, page,  # noqa: F811
                                                     sign_in):
    sign_in(PARK_USER)
    page.wait_for_url("**/workspace/park/")
    app_id = _start_application(page, gd_call.pk)
    plans_path = f"/applications/{app_id}/section/plans/"
    page.goto(plans_path)
    typed = "依托知识城和科学城，推动数字服务与先进制造业融合发展。"
    page.locator('[name="plans"]').press_sequentially(typed)
    expect(page.locator("#autosave-status")).not_to_be_empty()
    # Neither saved nor kept as a draft by the user: only the autosave has it.
    expect(page.locator('[data-section="plans"]')).to_have_attribute("data-complete", "0")
    page.context.close()

    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    try:
        again = context.new_page()
        again.set_default_timeout(15000)
        _sign_in_by_field_names(again, PARK_USER)
        again.goto(plans_path)
        expect(again.locator('[name="plans"]')).to_have_value(typed)
        expect(again.locator('main .alert-info[role="status"]')).to_be_visible()  # "restored" notice
        expect(again.locator('[data-section="plans"]')).to_have_attribute("data-complete", "0")
    finally:
        context.close()
