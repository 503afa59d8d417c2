"""What people are told and asked, in a real browser (issue 20, "Done when"): a city reviewer sees a 待办
count after a submission; the publish form keeps typed contact details after an error; each confirmation
of an irreversible step appears and states its consequence; a park sees its timeline move to 已认定 and
receives the notification. The guide screenshots of these screens are refreshed here (docs/img)."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.e2e.test_full_journey import SHANGHAI, Clock, click_and_wait, people, shot, success  # noqa: F401
from tests.people import chain

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)  # a Wednesday, a working day
CONTACTS = {"contact_phone": "020-38819191", "contact_email": "fwmy@gd.example.gov.cn",
            "contact_address": "广州市越秀区东风中路305号广东省商务厅服务贸易处（邮编510031）"}


def _record_dialogs(page: Page) -> list[str]:
    """The questions the page asks (the contexts of these tests answer yes)."""
    asked: list[str] = []
    page.on("dialog", lambda dialog: asked.append(dialog.message))
    return asked


@pytest.fixture
def clock(monkeypatch, gd_call):  # noqa: F811
    """The portal's clock at START; the call's deadlines in December 2026, a year the calendar knows."""
    from applications.models import Call

    Call.objects.filter(pk=gd_call.pk).update(park_deadline=datetime(2026, 12, 18, 17, 30, tzinfo=SHANGHAI),
                                              recommend_deadline=datetime(2026, 12, 25, 17, 30, tzinfo=SHANGHAI))
    gd_call.refresh_from_db()
    return Clock(monkeypatch, START)


def test_the_city_sees_its_todo_after_a_submission(gd_call, user_named, people, clock):  # noqa: F811
    city = people("city_gz")
    assert city.url.endswith("/workspace/city/")
    expect(city.locator('[data-todo="to_review"]')).to_have_count(0)
    chain.submit(gd_call, user_named)
    city.reload()
    todo = city.locator('[data-todo="to_review"]')
    expect(todo.locator('[data-testid="todo-count"]')).to_have_text("1")
    expect(todo).to_contain_text("个工作日")
    shot(city, "guide-city-00-todo", city.locator('[data-testid="todo"]'))
    click_and_wait(city, todo.locator("a"))
    assert "/inbox/" in city.url
    # The notification says the same, with a link to the application to review.
    city.goto("/notifications/")
    expect(city.locator("main")).to_contain_text("新申报待初审")


def test_the_publish_form_keeps_what_was_typed_and_every_step_asks_first(gd_call, user_named, people,  # noqa: F811
                                                                         clock, monkeypatch):
    u = user_named
    application = chain.submit(gd_call, u)
    other = chain.submit(gd_call, u, "park_pazhou")
    chain.approve(application, u)
    chain.concur(application, u)
    from review import services as review_services

    review_services.save_recommendation(call=gd_call, user=u("city_gz"), application_ids=[application.pk])

    # 不予推荐 asks first (approving does not); sending the recommendation states that the list locks.
    city = people("city_gz")
    asked = _record_dialogs(city)
    city.goto(f"/review/applications/{other.pk}/")
    for i in range(1, 7):
        city.locator(f'input[name="c{i}_status"][value="met"]').check()
    city.locator('input[name="decision"][value="reject"]').check()
    city.locator('textarea[name="reasons"]').fill("园区数字服务出口规模与申报条件差距较大。")
    click_and_wait(city, city.locator('[data-testid="decision-form"] button[type="submit"]'))
    assert asked and "不予推荐" in asked[-1] and "不能重新提交" in asked[-1]
    city.goto(f"/review/calls/{gd_call.pk}/recommendation/")
    city.locator('[name="letter_number"]').fill("穗商务函〔2026〕9号")
    shot(city, "guide-city-05-send-confirm", city.locator('[data-testid="send-form"]'))
    click_and_wait(city, city.locator('[data-testid="send-form"] button[type="submit"]'))
    assert "报送后本市推荐名单将锁定，仅组织单位可退回" in asked[-1]
    expect(success(city)).to_be_visible()

    # Experts score; one declares a conflict on a second assignment: asked first.
    chain.to_candidates(gd_call, application, u)
    from review.models import ExpertProfile

    officer_user = u("gd_officer")
    chen = ExpertProfile.objects.create(user=u("expert_chen"),
                                        employer=u("expert_chen").memberships.get().organization)
    from review.models import Assignment

    assignment = Assignment.objects.create(call=gd_call, application=application, expert=chen,
                                           version=application.versions.get(), method="manual",
                                           assigned_by=officer_user)
    expert = people("expert_chen")
    expert_asked = _record_dialogs(expert)
    expert.goto(f"/review/tasks/{assignment.pk}/")
    expert.locator('[data-testid="declare-form"] textarea').fill("本人曾担任该园区管委会顾问。")
    click_and_wait(expert, expert.locator('[data-testid="declare-form"] button[type="submit"]'))
    assert "声明回避" in expert_asked[-1] and "不能恢复" in expert_asked[-1]

    # The notice: one form. A date in the past is refused; the contacts typed stay.
    province = people("gd_officer")
    province_asked = _record_dialogs(province)
    manage = f"/publicity/manage/calls/{gd_call.pk}/"
    province.goto(manage)
    click_and_wait(province, province.locator('form:has(input[name="_action"][value="draft"]) button'))
    form = province.locator('[data-testid="notice-form"]')
    for name, value in CONTACTS.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator('[name="publication_date"]').fill("2026-11-30")
    click_and_wait(province, form.locator('button[value="publish"]'))
    assert "发布后立即向社会公开" in province_asked[-1] and "本批次仍在受理申报" in province_asked[-1]
    expect(province.locator("main")).to_contain_text("发布日期不能早于今天")
    for name, value in CONTACTS.items():
        expect(form.locator(f'[name="{name}"]')).to_have_value(value)
    expect(province.locator('[data-testid="notice-status"]')).to_have_attribute("data-status", "draft")
    shot(province, "guide-province-11b-notice-error", form.locator('[name="publication_date"]'))
    form.locator('[name="publication_date"]').fill("2026-12-02")
    click_and_wait(province, form.locator('button[value="publish"]'))
    expect(province.locator('[data-testid="notice-status"]')).to_have_attribute("data-status", "published")

    # An objection, decided: asked first.
    from publicity import services as publicity_services
    from publicity.models import Notice

    notice = Notice.objects.get(call=gd_call)
    publicity_services.submit_objection(
        notice=notice, item=notice.items.get(), files=[],
        values={"name": "张明", "organization": "", "id_number": "11010519491231002X", "phone": "13800138000",
                "email": "z@example.com", "facts": "申报的出口额与统计报表不一致，请核查。"})
    province.goto(manage)
    click_and_wait(province, province.locator('[data-testid="objections"] tbody a'))
    province.locator('input[name="outcome"][value="not_upheld"]').check()
    province.locator('textarea[name="reply"]').fill("经核查，申报数据与服贸直报系统一致，异议不成立。")
    click_and_wait(province, province.locator('[data-testid="decide-form"] button[type="submit"]'))
    assert "确定办结该异议" in province_asked[-1]
    expect(success(province)).to_be_visible()

    # After the window (decided by time, no beat task): designate, asked first; then withdraw, asked first.
    clock.jump_to(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))
    province = people("gd_officer")
    province_asked = _record_dialogs(province)
    province.goto(manage)
    expect(province.locator('[data-testid="notice-status"]')).to_have_attribute("data-status", "closed")
    designate = province.locator('[data-testid="designate-form"]')
    designate.locator('[name="document_number"]').fill("粤商务服字〔2026〕30号")
    click_and_wait(province, designate.locator('button[type="submit"]'))
    assert "会签" in province_asked[-1]  # issued jointly: the draft goes to the co-issuing departments first
    from publicity import selectors as publicity_selectors
    from publicity import services as publicity_services

    for name in ("gd_cac", "gd_miit"):
        publicity_services.countersign_designation(designation=publicity_selectors.designation_of(gd_call),
                                                   user=user_named(name))
    province.goto(manage)
    click_and_wait(province, province.locator(f'form[action="{manage}designation/publish/"] button[type="submit"]'))
    assert "确定发文认定" in province_asked[-1] and "不能撤销" in province_asked[-1]
    expect(province.locator('[data-testid="designated"]')).to_contain_text("粤商务服字〔2026〕30号")
    province.locator('textarea[name="reason"]').fill("演示：撤回公示页面。")
    click_and_wait(province, province.locator('form:has(input[name="_action"][value="withdraw"]) button'))
    assert "确定撤回公示" in province_asked[-1] and "撤回理由将公开显示" in province_asked[-1]


def test_the_park_follows_its_timeline_to_designation(gd_call, user_named, people, clock):  # noqa: F811
    u = user_named
    application = chain.submit(gd_call, u)
    chain.approve(application, u)
    chain.concur(application, u)
    chain.send(gd_call, application, u)
    chain.to_candidates(gd_call, application, u)
    from publicity import services as publicity_services

    officer = u("gd_officer")
    notice = publicity_services.draft_notice(call=gd_call, user=officer)
    notice = publicity_services.update_notice(notice=notice, user=officer, base_revision=notice.revision,
                                              fields=CONTACTS)
    publicity_services.publish_notice(notice=notice, user=officer, publication_date=START.date())
    park = people("park_huangpu")
    timeline = park.locator(f'[data-testid="timeline"][data-application="{application.pk}"]')
    expect(timeline).to_have_attribute("data-final", "")
    expect(timeline.locator('[data-testid="timeline-step"]').last).to_contain_text("候选名单公示")
    expect(timeline.locator('[data-testid="timeline-next"]')).to_contain_text("发文认定")
    clock.jump_to(datetime(2026, 12, 9, 9, 0, tzinfo=SHANGHAI))
    designation = publicity_services.designate(call=gd_call, user=officer, document_number="粤商务服字〔2026〕30号",
                                               document_date=(START + timedelta(days=7)).date())
    chain.publish_jointly(designation, u)
    park = people("park_huangpu")
    timeline = park.locator(f'[data-testid="timeline"][data-application="{application.pk}"]')
    expect(timeline).to_have_attribute("data-final", "designated")
    expect(timeline.locator('[data-testid="timeline-step"]').last).to_contain_text("已认定")
    expect(timeline.locator('[data-testid="timeline-step"]').last).to_contain_text("2026年12月9日")
    expect(timeline.locator('[data-testid="timeline-next"]')).to_have_count(0)
    shot(park, "guide-park-09-timeline", timeline)
    expect(park.locator('[data-testid="unread-count"]')).to_be_visible()
    park.goto("/notifications/")
    expect(park.locator("main")).to_contain_text("已获认定")
    expect(park.locator("main")).to_contain_text("粤商务服字〔2026〕30号")
