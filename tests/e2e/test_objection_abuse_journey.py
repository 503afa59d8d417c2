"""The objection form under abuse and the objector's data, in a real browser.

An address that already filed three objections within the hour opens the form: it asks for a person's check,
the “another image” button fetches a new captcha image, the visitor answers the text arithmetic question instead,
objects with a Hong Kong travel permit and a +852 phone, and gets the receipt. The officer sees the numbers
masked, reveals them (audited), and marks the three earlier objections 不予受理 at once. No CSP violation, no
script error.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.audit.models import AuditEvent
from publicity import services
from publicity.models import Objection
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.e2e.test_public_objection import (  # noqa: F401
    CONTACTS,
    FACTS,
    _csp_violations,
    _csp_watch,
    candidates,
    new_context,
    officer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CN_DIGITS = "零一二三四五六七八九十"


@pytest.fixture
def published(gd_call, candidates, officer):  # noqa: F811
    notice = services.draft_notice(call=gd_call, user=officer)
    draft = services.update_notice(notice=notice, user=officer, base_revision=notice.revision, fields=CONTACTS)
    return services.publish_notice(notice=draft, user=officer, publication_date=timezone.localdate())


def test_captcha_after_three_objections_then_masked_revealed_and_not_accepted(published, new_context):  # noqa: F811
    from portal.accounts.demo import DEMO_PASSWORD

    item = published.items.first()
    earlier = [services.submit_objection(notice=published, item=item, ip="127.0.0.1", files=[], values={
        "name": "匿名", "organization": "", "id_type": "resident_id", "id_number": "11010519491231002X",
        "phone": f"1390013900{i}", "email": f"a{i}@example.com", "facts": "同样的内容重复提交，请核查该园区。"})
        for i in range(3)]

    page = new_context()
    messages = _csp_watch(page)
    page.goto(f"/publicity/{published.pk}/object/")
    check = page.locator('[data-testid="human-check"]')
    expect(check).to_be_visible()
    image = page.locator('img[data-testid="captcha-image"]')
    first_src = image.get_attribute("src")
    page.locator("[data-captcha-refresh]").click()
    expect(image).not_to_have_attribute("src", first_src)
    assert page.locator('input[name="captcha_0"]').input_value() in image.get_attribute("src")

    page.locator('select[name="item"]').select_option(str(item.pk))
    page.locator('input[name="name"]').fill("陈志明")
    page.locator('select[name="id_type"]').select_option("hk_macao_permit")
    page.locator('input[name="id_number"]').fill("H12345678")
    page.locator('input[name="phone"]').fill("+852 9123 4567")
    page.locator('input[name="email"]').fill("chan@example.com.hk")
    page.locator('textarea[name="facts"]').fill(FACTS)
    question = page.locator('label[for="id_arithmetic_answer"]').inner_text()
    a, b = re.search(r"([一二三四五六七八九])加([一二三四五六七八九])", question).groups()
    page.locator('input[name="arithmetic_answer"]').fill(str(CN_DIGITS.index(a) + CN_DIGITS.index(b)))
    page.locator('main form button[type="submit"]').click()
    page.wait_for_url("**/publicity/objections/YY-*/")
    objection = Objection.objects.get(id_type="hk_macao_permit")
    assert objection.phone == "+85291234567" and objection.id_number == "H12345678"
    assert not _csp_violations(messages) and [m for m in messages if m.startswith("pageerror")] == []

    desk = new_context()
    desk.goto("/accounts/login/")
    desk.locator('main [name="username"]').fill("gd_officer")
    desk.locator('main [name="password"]').fill(DEMO_PASSWORD)
    desk.locator('main form button[type="submit"]').click()
    desk.wait_for_url("**/workspace/**")
    desk.goto(f"/publicity/manage/objections/{objection.pk}/")
    expect(desk.locator('[data-testid="objector-id"]')).to_have_text("H1*****78")
    expect(desk.locator('[data-testid="objector-phone"]')).to_have_text("+852****4567")
    desk.locator('form:has(input[name="_action"][value="reveal"]) button').click()
    expect(desk.locator('[data-testid="objector-id"]')).to_have_text("H12345678")
    assert AuditEvent.objects.filter(verb="objection.personal_data_revealed", target_id=str(objection.pk)).exists()

    desk.goto(f"/publicity/manage/calls/{published.call_id}/")
    bulk = desk.locator('[data-testid="not-accept-bulk"]')
    for e in earlier:
        bulk.locator(f'input[name="objections"][value="{e.pk}"]').check()
    bulk.locator("summary").click()
    bulk.locator('input[name="reason"][value="duplicate"]').check()
    bulk.locator('textarea[name="explanation"]').fill("与此前提交的异议内容相同，不再重复受理。")
    bulk.locator('button[type="submit"]').click()
    expect(desk.locator('[data-testid="objections"]')).to_contain_text("不予受理（重复异议）")
    assert Objection.objects.filter(outcome="not_accepted").count() == 3
    assert Objection.objects.get(pk=objection.pk).status != "decided"
