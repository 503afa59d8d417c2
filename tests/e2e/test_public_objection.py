"""A member of the public reads a candidate list under notice and objects to it, in a real browser.

The setup goes through the services (a concurred candidate list, the notice drafted and published by
the provincial officer today). From then on everything goes through the interface: an anonymous
visitor finds the notice on the home page, watches the countdown, downloads the notice PDF, files an
objection (first with a bad ID number: the error is shown at the field and the facts are kept), gets a
tracking code and the receipt PDF (the ID number masked); the officer registers the objection, notes
the investigation and decides it in a session of their own; the visitor, in a fresh browser with no
session, reads the outcome and reply with the tracking code and phone number; and the public directory
lists the national bases.

Elements are located by form field names, URLs and data-* attributes, never by interface text, so the
test holds whatever language the interface is shown in.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect

from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.e2e.conftest import ARTIFACTS
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICER = "gd_officer"
BAD_ID = "110105194912310021"  # the check character should be X
GOOD_ID = "11010519491231002X"
PHONE = "13800138000"
EMAIL = "zhang.ming@example.com"
FACTS = ("该园区申报材料中填报的2021年度数字服务出口额与商务部服务贸易统计监测系统中的数据明显不一致，"
         "差额超过三成；园区所列的部分重点企业实际注册地不在园区范围内，相关出口额不应计入。"
         "此外，申报材料所附的统计证明材料加盖的印章与出具单位名称不符。请对上述情况进行核查。") * 3
NOTE = "已调取统计监测系统数据进行比对，并电话联系园区管委会核实。"
REPLY = "经核查，该园区填报的出口额与统计监测系统数据一致，所列企业均在园区范围内注册，异议不成立。"
CHENGDU_BASE = "成都天府软件园"
CONTACTS = {"contact_phone": "020-38819191", "contact_email": "fwmy@gd.example.gov.cn",
            "contact_address": "广州市越秀区东风中路305号广东省商务厅服务贸易处（邮编510031）"}


@pytest.fixture
def officer(user_named):
    return user_named(OFFICER)


@pytest.fixture
def candidates(gd_call, user_named):  # noqa: F811
    from review.models import CandidateItem, CandidateList

    applications = bulk_applications(gd_call, extra_parks("440600", 3, "候选园区"), "formal_passed",
                                     user_named("park_huangpu"))
    candidate_list = CandidateList.objects.create(call=gd_call, status="concurred")
    for rank, application in enumerate(applications, start=1):
        CandidateItem.objects.create(candidate_list=candidate_list, application=application, rank=rank)
    return applications


@pytest.fixture
def published(gd_call, candidates, officer):  # noqa: F811
    """The notice drafted from the concurred list and published today (objections open at once)."""
    from publicity import demo as publicity_demo
    from publicity import services

    publicity_demo.load()  # the 12 national bases of 2020, for the public directory
    notice = services.draft_notice(call=gd_call, user=officer)
    draft = services.update_notice(notice=notice, user=officer, base_revision=notice.revision, fields=CONTACTS)
    return services.publish_notice(notice=draft, user=officer, publication_date=timezone.localdate())


@pytest.fixture
def new_context(browser: Browser, live_server) -> Callable[[], Page]:
    """A page in a browser context of its own (no cookies shared with any other)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def _screenshot(page: Page, name: str) -> Path:
    """Like the ``screenshot`` fixture, for a page of another browser context."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _csp_watch(page: Page) -> list[str]:
    """Collect the console messages and page errors of ``page``, each with the page's address and source."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"{message.text} [{page.url} {message.location.get('url')}]"))
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error} [{page.url}]"))
    return seen


def _csp_violations(messages: list[str]) -> list[str]:
    """Console messages reporting a Content-Security-Policy violation (there must be none)."""
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


def _fill_objection(page: Page, item_pk: int, id_number: str, evidence: Path) -> None:
    page.locator('select[name="item"]').select_option(str(item_pk))
    page.locator('input[name="name"]').fill("张明")
    page.locator('input[name="id_number"]').fill(id_number)
    page.locator('input[name="phone"]').fill(PHONE)
    page.locator('input[name="email"]').fill(EMAIL)
    page.locator('textarea[name="facts"]').fill(FACTS)
    page.locator('input[name="files"]').set_input_files(str(evidence))


def test_the_public_objects_and_reads_the_reply(published, officer, page, screenshot, new_context, tmp_path,
                                                 mailoutbox):
    from applications.demo import _pdf
    from portal.accounts.demo import DEMO_PASSWORD
    from publicity.models import Objection
    from publicity.services import cn_date

    notice = published
    notice_path = f"/publicity/{notice.pk}/"
    object_path = f"/publicity/{notice.pk}/object/"
    items = list(notice.items.order_by("order"))
    target = items[1]  # object to the second candidate, not the form's default
    evidence = tmp_path / "统计报表核对.pdf"
    evidence.write_bytes(_pdf("evidence"))
    messages = _csp_watch(page)

    # 1. An anonymous visitor finds the notice on the home page and reads it; the countdown runs.
    page.goto("/")
    page.locator(f'main a[href$="{notice_path}"]').first.click()
    page.wait_for_url(f"**{notice_path}")
    window = page.locator('[data-testid="window"]')
    expected_window = f"公示期：{cn_date(notice.publication_date)}至{cn_date(notice.window_end)}"
    expect(window).to_have_text(expected_window)
    assert window.inner_text().startswith("公示期：")
    table = page.locator('[data-testid="candidates"]')
    for item in items:
        expect(table.locator(f'tr[data-item="{item.pk}"]')).to_contain_text(item.park_name)
    expect(table.locator("tbody tr")).to_have_count(len(items))
    for value in CONTACTS.values():
        expect(page.locator("main")).to_contain_text(value)
    countdown = page.locator(".countdown[data-closes-at]")
    expect(countdown).to_have_count(1)
    expect(countdown).to_have_text(re.compile(r"\d"))
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first, timeout=2500)  # ticks every second
    screenshot("public-01-notice")

    # 2. The notice as PDF.
    pdf_link = page.locator(f'a[href$="/publicity/{notice.pk}/notice.pdf"]')
    expect(pdf_link).to_have_count(1)
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    notice_pdf = tmp_path / "notice.pdf"
    notice_pdf.write_bytes(response.body())
    assert "公示期：" in _pdftotext(notice_pdf)

    # 3. The objection: a bad ID number is refused at the field, what was typed is kept.
    page.locator(f'a[href$="{object_path}"]').click()
    page.wait_for_url(f"**{object_path}")
    _fill_objection(page, target.pk, BAD_ID, evidence)
    with page.expect_navigation(url=f"**{object_path}"):  # the same address, answered 400
        page.locator('form:has([name="facts"]) button[type="submit"]').click()
    id_field = page.locator('input[name="id_number"]')
    expect(id_field).to_have_class(re.compile(r"\bis-invalid\b"))
    feedback = page.locator('#div_id_id_number .invalid-feedback')
    expect(feedback).to_be_visible()
    expect(feedback).not_to_be_empty()
    expect(page.locator('textarea[name="facts"]')).to_have_value(FACTS)
    expect(page.locator('select[name="item"]')).to_have_value(str(target.pk))
    expect(id_field).to_have_value(BAD_ID)
    expect(page.locator('input[name="phone"]')).to_have_value(PHONE)
    expect(page.locator('input[name="files"]')).to_have_value("")  # a browser cannot keep a chosen file
    expect(page.locator('[data-testid="form-error"]')).to_have_count(0)
    expect(page.locator('.invalid-feedback:visible')).to_have_count(1)  # only the ID number is wrong
    assert not Objection.objects.exists()
    screenshot("public-02-objection-error")

    id_field.fill(GOOD_ID)
    page.locator('input[name="files"]').set_input_files(str(evidence))  # files are not kept on an error
    page.locator('form:has([name="facts"]) button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/publicity/objections/YY-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/$"))
    code_el = page.locator('[data-testid="tracking-code"]')
    expect(code_el).to_have_text(re.compile(r"^YY-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    code = code_el.inner_text().strip()
    assert page.url.endswith(f"/publicity/objections/{code}/")
    expect(page.locator('[data-testid="status-result"]')).to_contain_text(target.park_name)
    expect(page.locator('[data-testid="outcome"]')).to_have_count(0)
    screenshot("public-03-receipt")

    with page.expect_download() as info:
        page.locator(f'a[href$="/publicity/objections/{code}/receipt.pdf"]').click()
    receipt_pdf = tmp_path / "receipt.pdf"
    info.value.save_as(receipt_pdf)
    assert info.value.suggested_filename.endswith(".pdf")
    receipt_text = _pdftotext(receipt_pdf)
    assert code in receipt_text
    assert GOOD_ID not in receipt_text and GOOD_ID not in receipt_text.replace(" ", "")
    assert PHONE not in receipt_text

    objection = Objection.objects.get(tracking_code=code)  # the one look-up the brief allows
    assert objection.item_id == target.pk and objection.id_number == GOOD_ID
    assert objection.files.count() == 1
    csp = _csp_violations(messages)
    assert not csp, "\n".join(csp)
    assert [m for m in messages if m.startswith("pageerror")] == []

    # 4. The officer registers it, notes the investigation and decides it, in a session of their own.
    desk = new_context()
    desk.goto("/accounts/login/")
    desk.locator('main [name="username"]').fill(OFFICER)
    desk.locator('main [name="password"]').fill(DEMO_PASSWORD)
    desk.locator('main form button[type="submit"]').click()
    desk.wait_for_url("**/workspace/**")
    manage_path = f"/publicity/manage/calls/{notice.call_id}/"
    objection_path = f"/publicity/manage/objections/{objection.pk}/"
    desk.locator(f'main a[href$="{manage_path}"]').first.click()
    desk.wait_for_url(f"**{manage_path}")
    row = desk.locator(f'[data-testid="objections"] tr:has(a[href$="{objection_path}"])')
    expect(row).to_contain_text(code)
    expect(row).to_contain_text(target.park_name)
    row.locator(f'a[href$="{objection_path}"]').click()
    desk.wait_for_url(f"**{objection_path}")
    expect(desk.locator("main")).to_contain_text(FACTS[:40])
    expect(desk.locator(f'main a[href*="{objection_path}files/"]')).to_have_count(1)

    register = desk.locator('form:has(input[name="_action"][value="register"]) button[type="submit"]')
    expect(register).to_have_count(1)
    with desk.expect_navigation(url=f"**{objection_path}"):
        register.click()
    expect(register).to_have_count(0)
    objection.refresh_from_db()
    assert objection.status == Objection.Status.REGISTERED

    desk.locator('textarea[name="text"]').fill(NOTE)
    with desk.expect_navigation(url=f"**{objection_path}"):
        desk.locator('form:has(input[name="_action"][value="note"]) button[type="submit"]').click()
    expect(desk.locator("main")).to_contain_text(NOTE)

    desk.locator('input[name="outcome"][value="not_upheld"]').check()
    desk.locator('textarea[name="reply"]').fill(REPLY)
    with desk.expect_navigation(url=f"**{objection_path}"):
        desk.locator('form:has(input[name="_action"][value="decide"]) button[type="submit"]').click()
    expect(desk.locator('input[name="outcome"]')).to_have_count(0)
    expect(desk.locator("main")).to_contain_text(REPLY)
    _screenshot(desk, "officer-04-objection")
    objection.refresh_from_db()
    assert (objection.status, objection.outcome, objection.reply) == ("decided", "not_upheld", REPLY)
    replies = [m for m in mailoutbox if m.to == [EMAIL]]  # the officers were notified of the filing too
    assert len(replies) == 1 and code in replies[0].subject and REPLY in replies[0].body

    # 5. The visitor, in a fresh browser with no session, reads the outcome with code and phone.
    public = new_context()
    public_messages = _csp_watch(public)
    assert public.goto(f"/publicity/objections/{code}/").status == 404  # the receipt needs the session
    public.goto("/publicity/objections/status/")
    status_form = public.locator('form:has([name="tracking_code"])')
    status_form.locator('[name="tracking_code"]').fill(code.lower())
    status_form.locator('[name="phone"]').fill(PHONE)
    status_form.locator('button[type="submit"]').click()
    result = public.locator('[data-testid="status-result"]')
    expect(result).to_be_visible()
    expect(result).to_contain_text(code)
    with translation.override("zh-hans"):  # the language the zh-CN browser is served
        outcome = str(objection.get_outcome_display())
    expect(public.locator('[data-testid="outcome"]')).to_have_text(outcome)
    expect(public.locator('[data-testid="reply"]')).to_have_text(REPLY)
    _screenshot(public, "public-05-status")

    # 6. The public directory of designated bases.
    public.goto("/bases/")
    bases = public.locator('[data-testid="bases"]')
    expect(bases).to_be_visible()
    expect(bases.locator("tbody tr")).to_have_count(12)
    expect(bases.locator("tbody tr", has_text=CHENGDU_BASE)).to_have_count(1)
    _screenshot(public, "public-06-bases")
    csp = _csp_violations(public_messages)
    assert not csp, "\n".join(csp)
