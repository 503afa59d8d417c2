"""A city's preliminary review, co-review and joint recommendation in a real browser (Playwright).

The park's first submission comes from the services (``submit_for``); from then on every step goes
through the interface, each user in a browser context of their own: the city returns the dossier
(a return without reasons is refused first), the park revises one figure and resubmits, the city
sees the change and approves, sending without the two departments' concurrence is refused, both
departments concur, the city sends the list with its letter (PDF and Word), and the province sees
the city's recommendation in its overview.

Elements are located by form field names, URLs and data-* attributes, never by interface text, so
the test holds whatever language the interface is shown in.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.e2e.conftest import ARTIFACTS
from tests.review.conftest import submit_for  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARK_USER = "park_huangpu"
PARK_NAME = "广州开发区（黄埔区）数字经济产业园管理委员会"
GUANGZHOU = "440100"
REASONS = "请补充出口额统计证明材料"
LETTER_NUMBER = "穗商务函〔2026〕15号"
SAVE = 'button[name="_action"][value="save"]'


@pytest.fixture
def open_as(browser: Browser, live_server) -> Callable[[str], Page]:
    """Sign a demo user in within a browser context of their own; return the page (on the workspace)."""
    from portal.accounts.demo import DEMO_PASSWORD

    contexts = []

    def sign_in(username: str) -> Page:
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto("/accounts/login/")
        page.locator('main [name="username"]').fill(username)
        page.locator('main [name="password"]').fill(DEMO_PASSWORD)
        page.locator('main form button[type="submit"]').click()
        page.wait_for_url("**/workspace/**")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def _screenshot(page: Page, name: str) -> Path:
    """Like the ``screenshot`` fixture, for a page of another browser context."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _state(page: Page, state: str) -> None:
    expect(page.locator('[data-testid="application-state"]')).to_have_class(re.compile(rf"\bstate-{state}\b"))


def _decide(page: Page, conditions: int, decision: str, reasons: str = "") -> None:
    """Fill the checklist (every condition met) and the decision on the review page, and submit."""
    for i in range(1, conditions + 1):
        page.locator(f'input[name="c{i}_status"][value="met"]').check()
    page.locator(f'input[name="decision"][value="{decision}"]').check()
    page.locator('textarea[name="reasons"]').fill(reasons)
    page.locator('form:has([name="decision"]) button[type="submit"]').click()


def _embedded_cjk_fonts(pdf: Path) -> list[str]:
    """Names of the fonts pdffonts reports as embedded whose name contains CJK."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    header, rule = lines[0], lines[1]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    emb = next(i for i, (a, b) in enumerate(spans) if header[a:b + 1].strip().startswith("emb"))
    fonts = []
    for row in lines[2:]:
        cells = [row[a:b + 1].strip() for a, b in spans]
        if "CJK" in cells[0] and cells[emb] == "yes":
            fonts.append(cells[0])
    return fonts


def test_city_returns_approves_and_recommends_with_both_departments(
        gd_call, submit_for, page, screenshot, open_as, tmp_path):  # noqa: F811
    application = submit_for(PARK_USER)
    app_id, call_id = application.pk, gd_call.pk
    conditions = len(gd_call.basic_conditions)
    review_path = f"/review/applications/{app_id}/"
    inbox_path = f"/review/calls/{call_id}/inbox/"
    recommendation_path = f"/review/calls/{call_id}/recommendation/"

    # 1. The city opens its inbox and returns version 1; a return without reasons is refused first.
    city = page  # the fixture's page (its own context), so that the screenshot fixture shows it
    from portal.accounts.demo import DEMO_PASSWORD

    city.goto("/accounts/login/")
    city.locator('main [name="username"]').fill("city_gz")
    city.locator('main [name="password"]').fill(DEMO_PASSWORD)
    city.locator('main form button[type="submit"]').click()
    city.wait_for_url("**/workspace/city/")
    city.locator(f'main a[href$="{inbox_path}"]').first.click()
    city.wait_for_url(f"**{inbox_path}")
    row = city.locator(f'[data-testid="inbox"] tr[data-application="{app_id}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(PARK_NAME)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bstate-submitted\b"))
    screenshot("city-01-inbox")

    row.locator(f'a[href$="{review_path}"]').click()
    city.wait_for_url(f"**{review_path}")
    _state(city, "submitted")
    expect(city.locator('input[name$="_status"][value="met"]')).to_have_count(conditions)
    _decide(city, conditions, "return")
    reasons_field = city.locator('textarea[name="reasons"]')
    expect(reasons_field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(city.locator('#div_id_reasons .invalid-feedback')).to_be_visible()
    expect(city.locator('#div_id_reasons .invalid-feedback')).not_to_be_empty()
    assert city.url.endswith(review_path)
    _state(city, "submitted")
    expect(city.locator('input[name="c1_status"][value="met"]')).to_be_checked()  # kept as chosen
    expect(city.locator('input[name="decision"][value="return"]')).to_be_checked()
    reasons_field.fill(REASONS)
    screenshot("city-02-return")
    city.locator('form:has([name="decision"]) button[type="submit"]').click()
    city.wait_for_url(f"**{inbox_path}")
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bstate-returned\b"))

    # 2. The park reads the reasons, revises the export figure and submits version 2.
    park = open_as(PARK_USER)
    assert park.url.endswith("/workspace/park/")
    park.locator(f'main a[href$="/applications/{app_id}/"]').first.click()
    park.wait_for_url(f"**/applications/{app_id}/")
    _state(park, "returned")
    rounds = park.locator('[data-testid="rounds"]')
    expect(rounds).to_contain_text(REASONS)
    _screenshot(park, "park-03-returned")

    park.goto(f"/applications/{app_id}/section/foundations/")
    ict_exports = park.locator('[name="ict_exports"]')
    expect(ict_exports).to_have_value("47.03")
    ict_exports.fill("52.00")
    park.locator(SAVE).click()
    park.wait_for_url(re.compile(rf"/applications/{app_id}/section/(?!foundations/)[a-z_]+/$"))
    expect(park.locator('[data-section="foundations"]')).to_have_attribute("data-complete", "1")
    park.goto(f"/applications/{app_id}/submit/")
    park.locator('[name="confirm"]').check()
    park.locator('form:has([name="confirm"]) button[type="submit"]').click()
    park.wait_for_url(f"**/applications/{app_id}/versions/2/")
    _state(park, "submitted")

    # 3. The city sees what changed from version 1 to version 2, and approves.
    city.goto(inbox_path)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bstate-submitted\b"))
    row.locator(f'a[href$="{review_path}"]').click()
    city.wait_for_url(f"**{review_path}")
    changes = city.locator('[data-testid="changes"] tbody tr')
    expect(changes).to_have_count(1)
    expect(changes.locator("td.diff-old")).to_have_text("47.03")
    expect(changes.locator("td.diff-new")).to_have_text("52.00")
    expect(city.locator('[data-testid="rounds"]')).to_contain_text(REASONS)
    screenshot("city-04-changes")
    _decide(city, conditions, "approve")
    city.wait_for_url(f"**{inbox_path}")
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bstate-approved\b"))

    # 4a. Listed but not yet concurred by the two departments: sending is refused.
    city.locator(f'main a[href$="{recommendation_path}"]').first.click()
    city.wait_for_url(f"**{recommendation_path}")
    candidate = city.locator(f'[data-testid="candidates"] tr[data-application="{app_id}"]')
    expect(candidate).to_contain_text(PARK_NAME)
    candidate.locator(f'[name="rank_{app_id}"]').fill("1")
    city.locator('form:has(input[name="_action"][value="save"]) button[type="submit"]').click()
    city.wait_for_url(f"**{recommendation_path}")
    expect(city.locator(f'[name="rank_{app_id}"]')).to_have_value("1")
    expect(city.locator('[data-testid="gaps"]')).to_contain_text(PARK_NAME)
    send_form = city.locator('form:has(input[name="_action"][value="send"])')
    send_form.locator('[name="letter_number"]').fill(LETTER_NUMBER)
    send_form.locator('button[type="submit"]').click()
    expect(city.locator('[data-testid="send-error"]')).to_contain_text(PARK_NAME)
    expect(city.locator('[data-testid="gaps"]')).to_be_visible()
    expect(city.locator('[data-testid="sent"]')).to_have_count(0)

    # 4b. Both co-reviewing departments concur, each in its own session.
    for username, opinion in (("gz_cac", "网络安全和数据安全管理机制健全，同意推荐。"),
                              ("gz_miit", "园区数字产业基础扎实，同意推荐。")):
        dept = open_as(username)
        assert dept.url.endswith("/workspace/coreview/")
        dept.locator(f'main a[href$="/review/calls/{call_id}/coreview/"]').click()
        dept.wait_for_url(f"**/review/calls/{call_id}/coreview/")
        card = dept.locator(f'[data-application="{app_id}"]')
        expect(card.locator('[data-testid="my-stance"]')).to_have_count(0)
        card.locator(f'input[name="a{app_id}-stance"][value="concur"]').check()
        card.locator(f'textarea[name="a{app_id}-opinion"]').fill(opinion)
        card.locator('form button[type="submit"]').click()
        dept.wait_for_url(f"**/review/calls/{call_id}/coreview/")
        stance = dept.locator(f'[data-application="{app_id}"] [data-testid="my-stance"]')
        expect(stance).to_be_visible()
        expect(stance).to_have_class(re.compile(r"\btext-bg-success\b"))
        expect(dept.locator(f'[data-application="{app_id}"]')).to_contain_text(opinion)
    _screenshot(dept, "coreview-05")

    # 5. The city sends the list and downloads the letter as PDF and Word.
    city.goto(recommendation_path)
    expect(city.locator('[data-testid="gaps"]')).to_have_count(0)
    expect(candidate.locator(".text-success")).to_have_count(2)  # both departments concur
    send_form.locator('[name="letter_number"]').fill(LETTER_NUMBER)
    send_form.locator('button[type="submit"]').click()
    city.wait_for_url(f"**{recommendation_path}")
    sent = city.locator('[data-testid="sent"]')
    expect(sent).to_be_visible()
    expect(sent).to_contain_text(LETTER_NUMBER)
    expect(city.locator('[data-testid="send-error"]')).to_have_count(0)
    screenshot("city-06-sent")

    letters = {}
    for fmt in ("pdf", "docx"):
        with city.expect_download() as info:
            sent.locator(f'a[href*="/review/recommendations/"][href$="/letter/{fmt}/"]').click()
        download = info.value
        assert download.suggested_filename.endswith(f".{fmt}")
        letters[fmt] = tmp_path / f"letter.{fmt}"
        download.save_as(letters[fmt])
    assert letters["pdf"].read_bytes().startswith(b"%PDF")
    assert _embedded_cjk_fonts(letters["pdf"]), "the letter's PDF embeds no CJK font"

    import docx

    document = docx.Document(str(letters["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n" + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert LETTER_NUMBER in text
    assert PARK_NAME in text

    # 6. The province sees Guangzhou's recommendation, sent with one park.
    province = open_as("gd_officer")
    assert province.url.endswith("/workspace/province/")
    province.locator(f'main a[href$="/review/calls/{call_id}/overview/"]').first.click()
    province.wait_for_url(f"**/review/calls/{call_id}/overview/")
    unit = province.locator(f'[data-testid="units"] tr[data-region="{GUANGZHOU}"]')
    expect(unit.locator(".badge")).to_have_class(re.compile(r"\brec-sent\b"))
    expect(unit.locator("td").nth(3)).to_have_text("1")
    _screenshot(province, "province-07-overview")
    unit.locator('a[href*="/review/recommendations/"]').click()
    province.wait_for_url(re.compile(r"/review/recommendations/\d+/$"))
    expect(province.locator("main")).to_contain_text(LETTER_NUMBER)
    expect(province.locator("main ol:not(.breadcrumb)")).to_contain_text(PARK_NAME)

    # What the interface showed is what the database holds.
    from applications.models import Application
    from review.models import CoReview, PreliminaryReview, Recommendation

    application.refresh_from_db()
    assert application.state == Application.State.RECOMMENDED
    assert application.latest_version_number == 2
    version_2 = application.versions.get(number=2)
    assert version_2.data["foundations"]["ict_exports"] in ("52.00", "52")
    reviews = list(PreliminaryReview.objects.filter(application=application).order_by("decided_at")
                   .values_list("version__number", "decision", "reasons"))
    assert reviews == [(1, "return", REASONS), (2, "approve", "")]
    assert set(CoReview.objects.filter(version=version_2).values_list("stance", flat=True)) == {"concur"}
    assert CoReview.objects.filter(version=version_2).count() == 2
    recommendation = Recommendation.objects.get(call=gd_call, region__code=GUANGZHOU)
    assert recommendation.status == Recommendation.Status.SENT
    assert recommendation.letter_number == LETTER_NUMBER
    assert list(recommendation.items.values_list("application_id", "rank", "version__number")) == [
        (app_id, 1, 2)]
