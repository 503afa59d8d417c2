"""The biennial re-review (复审) of two provincial bases, through the interface, in real Chromium.

a. Two bases (广州开发区, 琶洲) were designated in 2022 by 广东省商务厅; the organiser asks for the annual progress
   reports of 2024 and 2025 (the bases app's pages); 琶洲's park files both reports through the report pages,
   广州开发区's are filed through the services;
b. the organiser starts a re-review round of both bases (the reports of 2024–2025 become their dossiers), draws two
   experts per base at random on review's assignment page;
c. each expert confirms having no conflict, reads the reports and scores;
d. the organiser records the outcomes: 广州开发区 合格, 琶洲 不合格; publishes the failure (公示), which the public
   reads among the notices;
e. after the notice period the organiser issues the revocation document (PDF and Word); the park reads the outcome
   without any expert's name; the public directory /bases/ and the open-data API show 琶洲 as 撤销 with the
   document number.

The portal's clock is moved as in test_full_journey (the live server runs in a thread of this process).
"""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.test_full_journey import SHANGHAI, click_and_wait, clock, people, shot, success  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HUANGPU_BASE = "广州开发区数字服务出口基地"
PAZHOU_BASE = "琶洲数字服务出口基地"
ROUND_TITLE = "2026年广东省数字服务出口基地复审"
ROUND_NUMBER = "粤商务服函〔2026〕301号"
REVOCATION_NUMBER = "粤商务服字〔2026〕52号"
FAIL_REASON = "连续两年数字服务出口额下降，统计监测制度未有效运行，未完成建设方案确定的主要任务。"
FIGURES = {
    2024: {"total_output": "180.00", "ict_output": "40.00", "ict_value_added": "15.00", "ict_services_exports": "3.10",
           "digital_service_exports": "4.20", "foreign_trade_exports": "60.00", "enterprise_count": "3100",
           "digital_service_enterprise_count": "260", "employee_count": "52000", "ip_count": "1500",
           "software_copyright_count": "2300"},
    2025: {"total_output": "172.00", "ict_output": "38.50", "ict_value_added": "14.20", "ict_services_exports": "2.60",
           "digital_service_exports": "3.70", "foreign_trade_exports": "58.00", "enterprise_count": "3000",
           "digital_service_enterprise_count": "240", "employee_count": "50500", "ip_count": "1550",
           "software_copyright_count": "2380"},
}
NARRATIVE = ("琶洲试验区{year}年推进人工智能与数字经济试验区建设，数字服务出口受主要客户订单调整影响有所下降，"
             "统计监测平台尚在建设。")


def _setup_bases():
    from portal.accounts.models import Organization, User
    from publicity.models import DesignatedBase
    from review.models import ExpertProfile

    gd = Organization.objects.get(name="广东省商务厅")
    parks = {}
    for name, username in ((HUANGPU_BASE, "park_huangpu"), (PAZHOU_BASE, "park_pazhou")):
        park = User.objects.get(username=username).memberships.get(role="park_admin").organization
        parks[username] = park
        DesignatedBase.objects.create(name=name, province="广东省", city="广州市", level="provincial",
                                      batch="第一批广东省数字服务出口基地", year=2022,
                                      document_number="粤商务服函〔2022〕160号", park=park, organiser=gd)
    for username in ("expert_li", "expert_huang"):
        user = User.objects.get(username=username)
        ExpertProfile.objects.create(user=user, employer=user.memberships.get().organization, specialties=["software"])
    return parks


def _file_through_services(base_name: str):
    from bases import services
    from bases.models import AnnualReport
    from portal.accounts.models import User

    user = User.objects.get(username="park_huangpu")
    for report in AnnualReport.objects.filter(base__name=base_name).order_by("period__year"):
        services.save_report(report=report, user=user, values={k: v for k, v in FIGURES[2024].items()},
                             narrative="广州开发区持续推进数字服务出口基地建设，出口规模稳步增长。",
                             base_revision=report.revision)
        services.submit_report(report=AnnualReport.objects.get(pk=report.pk), user=user)


def test_a_base_fails_the_rereview_and_loses_its_title(demo, clock, people):  # noqa: F811
    _setup_bases()

    # a. The organiser asks for the reports of 2024 and 2025; 琶洲 files both through the report pages.
    officer = people("gd_officer")
    for year in (2024, 2025):
        officer.goto("/bases/reports/periods/new/")
        officer.locator('main [name="year"]').fill(str(year))
        officer.locator('main [name="deadline"]').fill("2026-12-31")
        click_and_wait(officer, officer.locator('main form button[type="submit"]'))
        expect(success(officer)).to_be_visible()
    _file_through_services(HUANGPU_BASE)

    park = people("park_pazhou")
    for year in (2024, 2025):
        park.goto("/bases/reports/")
        row = park.locator("main tr", has_text=str(year)).filter(has_text=PAZHOU_BASE)
        click_and_wait(park, row.locator('a[href*="/bases/reports/"]').first)
        for name, value in FIGURES[year].items():
            park.locator(f'#report-form [name="{name}"]').fill(value)
        park.locator('#report-form [name="narrative"]').fill(NARRATIVE.format(year=year))
        click_and_wait(park, park.locator('#report-form button[name="_action"][value="submit"]'))
        click_and_wait(park, park.locator('main form button[type="submit"]').first)  # the submit page
        expect(park.locator("main")).to_contain_text(FIGURES[year]["digital_service_exports"])

    # b. The organiser starts the round from the workspace and draws the experts at random.
    officer.goto("/workspace/province/")
    click_and_wait(officer, officer.locator('main a[href="/rereview/start/"]').first)
    officer.locator('[name="title"]').fill(ROUND_TITLE)
    officer.locator('[name="document_number"]').fill(ROUND_NUMBER)
    expect(officer.locator('[name="period_from"]')).to_have_value("2024")
    expect(officer.locator('[name="period_to"]')).to_have_value("2025")
    officer.locator('[name="experts_per_application"]').fill("2")
    for name in (HUANGPU_BASE, PAZHOU_BASE):
        officer.get_by_label(re.compile(name)).check()
    shot(officer, "guide-province-16-rereview-start", officer.locator('[name="bases"]'))
    click_and_wait(officer, officer.locator('[data-testid="start-form"] button[type="submit"]'))
    expect(officer.locator("h1")).to_have_text(ROUND_TITLE)
    round_url = officer.url
    click_and_wait(officer, officer.locator('[data-testid="expert-steps"] a[href$="/assignments/"]'))
    officer.locator('[data-testid="draw-form"] [name="seed"]').fill("2026")
    click_and_wait(officer, officer.locator('[data-testid="draw-form"] button[type="submit"]'))
    expect(success(officer)).to_be_visible()

    # c. Each expert confirms no conflict, reads the reports and scores: 琶洲 low, 广州开发区 high.
    for username in ("expert_li", "expert_huang"):
        expert = people(username)
        tasks = expert.locator('[data-testid="tasks"] a[href^="/review/tasks/"]')
        expect(tasks).to_have_count(2)
        for n in range(2):
            expert.goto("/workspace/expert/")
            click_and_wait(expert, expert.locator('[data-testid="tasks"] a[href^="/review/tasks/"]').nth(n))
            click_and_wait(expert, expert.locator('form:has(input[value="no_conflict"]) button'))
            failing = "琶洲" in expert.locator("h1").inner_text()
            if failing:
                expect(expert.locator("main")).to_contain_text("3.70")  # the 2025 report is the dossier
            scores = expert.locator('input[name^="score_"]')
            for i in range(scores.count()):
                maximum = float(scores.nth(i).get_attribute("max"))
                scores.nth(i).fill(f"{maximum * (0.3 if failing else 0.9):.1f}")
            comment = "出口连续下降，整改措施不足。" if failing else "建设成效明显。"
            expert.locator('textarea[name="comment"]').fill(comment)
            click_and_wait(expert, expert.locator('button[name="_action"][value="submit"]'))
            expect(expert.locator('[data-testid="sheet-status"]')).to_have_attribute("data-status", "submitted")

    # d. Outcomes, then the 公示 of the failed base.
    officer.goto(round_url)
    for base, outcome in ((HUANGPU_BASE, "passed"), (PAZHOU_BASE, "failed")):
        row = officer.locator(f'[data-testid="bases"] tr[data-base="{base}"]')
        expect(row.locator("td").nth(1)).to_contain_text("2 / 2")
        row.locator("summary").click()
        row.locator(f'input[name$="-outcome"][value="{outcome}"]').check()
        if outcome == "failed":
            row.locator('textarea[name$="-reason"]').fill(FAIL_REASON)
        click_and_wait(officer, row.locator('[data-testid="outcome-form"] button[type="submit"]'))
        expect(officer.locator(f'tr[data-base="{base}"] [data-testid="outcome"]')).to_have_attribute(
            "data-outcome", outcome)
    shot(officer, "guide-province-17-rereview-outcomes", officer.locator('[data-testid="bases"]'))
    form = officer.locator('[data-testid="notice-form"]')
    form.locator('[name="contact_phone"]').fill("020-38819191")
    form.locator('[name="contact_email"]').fill("fwmy@gd.example.gov.cn")
    form.locator('[name="contact_address"]').fill("广州市越秀区东风中路305号广东省商务厅服务贸易处")
    click_and_wait(officer, form.locator('button[type="submit"]'))
    expect(officer.locator('[data-testid="failure-notice"]')).to_contain_text("不合格")

    public = people(None)
    public.goto("/publicity/")
    expect(public.locator("main")).to_contain_text(f"关于{ROUND_TITLE}不合格基地的公示")
    public.locator("main a", has_text=f"关于{ROUND_TITLE}不合格基地的公示").first.click()
    expect(public.locator("main")).to_contain_text(PAZHOU_BASE)
    expect(public.locator("main")).not_to_contain_text(HUANGPU_BASE)

    # e. After the notice period (5 working days from Wednesday 2 December: to Tuesday 8 December) the title is
    #    revoked by a document.
    clock.jump_to(datetime(2026, 12, 9, 10, 0, tzinfo=SHANGHAI))
    officer = people("gd_officer")
    officer.goto(round_url)
    form = officer.locator('[data-testid="revoke-form"]')
    form.locator('[name="document_number"]').fill(REVOCATION_NUMBER)
    expect(form.locator('[name="document_date"]')).to_have_value("2026-12-09")
    click_and_wait(officer, form.locator('button[type="submit"]'))
    revocation = officer.locator('[data-testid="revocation"]')
    expect(revocation).to_contain_text(REVOCATION_NUMBER)
    shot(officer, "guide-province-18-rereview-revoked", revocation)
    pdf = officer.request.get(revocation.locator('a', has_text="PDF").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    word = officer.request.get(revocation.locator('a', has_text="Word").get_attribute("href"))
    assert word.ok and word.body().startswith(b"PK")

    park = people("park_pazhou")
    park.goto("/workspace/park/")
    click_and_wait(park, park.locator('main a[href^="/rereview/items/"]').first)
    expect(park.locator('[data-testid="outcome"]')).to_have_attribute("data-outcome", "failed")
    expect(park.locator("main")).to_contain_text(FAIL_REASON)
    expect(park.locator('[data-testid="base-status"]')).to_have_attribute("data-status", "revoked")
    for name in ("李教授", "黄教授"):
        expect(park.locator("main")).not_to_contain_text(name)

    public.goto("/bases/")
    from publicity.models import DesignatedBase

    pazhou = DesignatedBase.objects.get(name=PAZHOU_BASE)
    huangpu = DesignatedBase.objects.get(name=HUANGPU_BASE)
    row = public.locator(f'tr[data-base="{pazhou.pk}"]')
    expect(row).to_have_attribute("data-status", "revoked")
    expect(row).to_contain_text(REVOCATION_NUMBER)
    expect(public.locator(f'tr[data-base="{huangpu.pk}"]')).to_have_attribute("data-status", "active")

    # The open-data API says the same: 琶洲 revoked by the revocation document, with the failure's reasons.
    answer = public.request.get("/api/v1/bases?status=revoked&province=广东省")
    assert answer.ok
    revoked = {b["name"]: b for b in answer.json()["results"]}
    assert set(revoked) == {PAZHOU_BASE}
    assert revoked[PAZHOU_BASE]["status_document_number"] == REVOCATION_NUMBER
    assert revoked[PAZHOU_BASE]["status_history"][-1]["reason"] == FAIL_REASON
    active = {b["name"] for b in public.request.get("/api/v1/bases?status=active").json()["results"]}
    assert HUANGPU_BASE in active
