"""Every transition tells the next person, in the portal and by e-mail, in Chinese, worded per call
(issue 20 point 1; co-reviewers notified and reminded, issue 14 point 3)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from portal.notifications import services as notification_services
from portal.notifications.events import EVENTS
from portal.notifications.models import MessageTemplate, Notification
from publicity import services as publicity_services
from review import services as review_services
from review.models import CandidateConcurrence, CandidateList, ExpertProfile
from tests.applications.conftest import fill_completely
from tests.people import chain

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
CHECKLIST = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)}


def _events_of(username: str) -> list[str]:
    return list(Notification.objects.filter(recipient__username=username).order_by("id")
                .values_list("event", flat=True))


def _last(username: str, event: str) -> Notification:
    return Notification.objects.filter(recipient__username=username, event=event).latest("id")


@pytest.fixture
def submitted(gd_call, user_named, django_capture_on_commit_callbacks):  # noqa: F811
    park_user = user_named("park_huangpu")
    application = application_services.start_application(
        call=gd_call, park=park_user.memberships.get().organization, user=park_user)
    fill_completely(application, park_user)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.submit_application(application=application, user=park_user)
    application.refresh_from_db()
    return application


def test_the_whole_chain_tells_the_next_person(submitted, gd_call, user_named, mailoutbox,  # noqa: F811
                                               django_capture_on_commit_callbacks, monkeypatch):
    u = user_named
    # Submission → the park (confirmation) and the city's reviewers; not another city.
    assert _events_of("park_huangpu") == ["application.submitted"]
    assert _events_of("city_gz") == ["application.received"]
    assert _events_of("city_sz") == []
    received = _last("city_gz", "application.received")
    assert submitted.park.name in received.title and received.link == reverse("review:review", args=[submitted.pk])
    assert any(m.to == ["city_gz@demo.gov.cn"] and "新申报待初审" in m.subject for m in mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        # Return with the reason → the park.
        review_services.decide(application=submitted, version_number=1, user=u("city_gz"), decision="return",
                               checklist=CHECKLIST, reasons="请补充出口统计证明材料")
        assert "请补充出口统计证明材料" in _last("park_huangpu", "review.return").body
        application_services.submit_application(application=submitted, user=u("park_huangpu"))
        # Approval → the park and both co-reviewing departments of Guangzhou (not Shenzhen's).
        review_services.decide(application=submitted, version_number=2, user=u("city_gz"), decision="approve",
                               checklist=CHECKLIST)
        assert _events_of("gz_cac") == ["coreview.requested"] and _events_of("gz_miit") == ["coreview.requested"]
        assert _events_of("sz_cac") == []
        # Concurrences → the city.
        for name in ("gz_cac", "gz_miit"):
            review_services.co_review(application=submitted, user=u(name), stance="concur", opinion="同意推荐")
        assert _events_of("city_gz").count("coreview.given") == 2
        # Sending → the organiser.
        review_services.save_recommendation(call=gd_call, user=u("city_gz"), application_ids=[submitted.pk])
        review_services.send_recommendation(call=gd_call, user=u("city_gz"), letter_number="穗商务函〔2026〕9号")
        assert "recommendation.sent" in _events_of("gd_officer")
        # Formal check → the park.
        review_services.formal_check(application=submitted, user=u("gd_officer"), decision="pass")
        assert "formal_check.pass" in _events_of("park_huangpu")
        expert = ExpertProfile.objects.create(user=u("expert_li"),
                                              employer=u("expert_li").memberships.get().organization)
        review_services.ensure_default_rubric(gd_call)
        assignment = review_services.assign_manually(application=submitted, experts=[expert], user=u("gd_officer"))[0]
        review_services.confirm_no_conflict(assignment=assignment, user=expert.user)
        review_services.save_sheet(assignment=assignment, user=expert.user, comment="",
                                   scores={str(c.pk): "5" for c in gd_call.rubric.all()}, submit=True)
        # Candidate list → the provincial co-reviewers, then (concurred) → the organiser and the park.
        review_services.propose_candidates(call=gd_call, user=u("gd_officer"), application_ids=[submitted.pk],
                                           missing_sheets_reason="一名专家评审，余者回避")
        assert "candidates.proposed" in _events_of("gd_cac") and "candidates.proposed" in _events_of("gd_miit")
        for name in ("gd_cac", "gd_miit"):
            review_services.concur_candidates(call=gd_call, user=u(name), stance=CandidateConcurrence.Stance.CONCUR,
                                              opinion="同意")
        assert CandidateList.objects.get(call=gd_call).status == "concurred"
        assert "candidates.concurred" in _events_of("gd_officer") and "candidates.listed" in _events_of("park_huangpu")
        # 公示 → the park, with the window.
        notice = publicity_services.draft_notice(call=gd_call, user=u("gd_officer"))
        notice = publicity_services.update_notice(
            notice=notice, user=u("gd_officer"), base_revision=notice.revision,
            fields={"contact_phone": "020-38819191", "contact_email": "fw@gd.example.gov.cn",
                    "contact_address": "广州市"})
        monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
        notice = publicity_services.publish_notice(notice=notice, user=u("gd_officer"),
                                                   publication_date=date(2026, 12, 24))
        assert "2026年12月24日至2026年12月30日" in _last("park_huangpu", "notice.published").body
        # The beat task only sends the mail: the organiser learns that the window has ended.
        monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI))
        assert publicity_services.close_due_notices() == 1
        assert "notice.closed" in _events_of("gd_officer")
        # Designation → the park (已认定).
        designation = publicity_services.designate(call=gd_call, user=u("gd_officer"),
                                                   document_number="粤商务服字〔2027〕1号",
                                                   document_date=date(2027, 1, 8))
        chain.publish_jointly(designation, u)
    designated = _last("park_huangpu", "designation.designated")
    assert "粤商务服字〔2027〕1号" in designated.body and submitted.park.name in designated.title
    # Every message is Chinese (no English source text leaked), and was e-mailed.
    for notification in Notification.objects.all():
        assert not any("a" <= ch.lower() <= "z" for ch in notification.title.replace("YY-", "")), notification.title
        assert notification.emailed_at is not None


def test_parks_not_on_the_notice_or_removed_by_an_objection_learn_why(gd_call, user_named):  # noqa: F811
    from tests.publicity.test_publicity import _objection_data  # noqa: F401 - shape of a valid objection
    from tests.review.conftest import bulk_applications

    park = user_named("park_pazhou").memberships.get().organization
    other = user_named("park_huangpu").memberships.get().organization
    listed, left_out = bulk_applications(gd_call, [park, other], "formal_passed", user_named("park_pazhou"))
    from review.models import CandidateItem

    candidate_list = CandidateList.objects.create(call=gd_call, status="concurred")
    CandidateItem.objects.create(candidate_list=candidate_list, application=listed, rank=1)
    officer = user_named("gd_officer")
    notice = publicity_services.draft_notice(call=gd_call, user=officer)
    notice = publicity_services.update_notice(notice=notice, user=officer, base_revision=notice.revision, fields={
        "contact_phone": "020-38819191", "contact_email": "fw@gd.example.gov.cn", "contact_address": "广州市"})
    real_now = timezone.now
    try:
        timezone.now = lambda: datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI)
        notice = publicity_services.publish_notice(notice=notice, user=officer, publication_date=date(2026, 12, 24))
        timezone.now = lambda: datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI)
        objection = publicity_services.submit_objection(
            notice=notice, item=notice.items.get(), files=[],
            values={"name": "张明", "organization": "", "id_number": "11010519491231002X", "phone": "13800138000",
                    "email": "z@example.com", "facts": "申报的出口额与统计报表不一致，请核查。"})
        publicity_services.decide_objection(objection=objection, user=officer, outcome="upheld",
                                            reply="经核查，出口额存在重复统计，异议成立。")
        timezone.now = lambda: datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI)
        designation = publicity_services.designate(call=gd_call, user=officer,
                                                   document_number="粤商务服字〔2027〕1号",
                                                   document_date=date(2027, 1, 8))
        chain.publish_jointly(designation, user_named)
    finally:
        timezone.now = real_now
    removed = _last("park_pazhou", "designation.not_selected")
    assert "异议成立" in removed.body and "未入选" in removed.title
    assert "候选名单" in _last("park_huangpu", "designation.not_selected").body


def test_the_organiser_words_an_event_for_one_call_only(submitted, gd_call, calls, user_named,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    officer = user_named("gd_officer")
    with pytest.raises(PermissionDenied):
        notification_services.save_template(user=user_named("mofcom_officer"), call=gd_call,
                                            event="review.return", title="x", body="y")
    with pytest.raises(ValidationError):
        notification_services.save_template(user=officer, call=gd_call, event="review.return", title=" ", body="")
    notification_services.save_template(user=officer, call=gd_call, event="review.return",
                                        title="【{call}】退回修改：{park}",
                                        body="{unit}退回第{version}版：{reason}{unknown}")
    with django_capture_on_commit_callbacks(execute=True):
        review_services.decide(application=submitted, version_number=1, user=user_named("city_gz"),
                               decision="return", checklist=CHECKLIST, reasons="缺少统计公报")
    sent = _last("park_huangpu", "review.return")
    assert sent.title == f"【{gd_call.title}】退回修改：{submitted.park.name}"
    assert sent.body == "广州市商务局退回第1版：缺少统计公报{unknown}"
    # Another call keeps the default.
    national = calls[1]
    title, _body = notification_services.render_event(event="review.return", call=national, context={})
    assert title == "您的申报已被退回修改"
    notification_services.reset_template(user=officer, call=gd_call, event="review.return")
    assert not MessageTemplate.objects.exists()


def test_the_template_screen_shows_placeholders_previews_and_keeps_what_was_typed(gd_call, client_for):  # noqa: F811
    c = client_for("gd_officer")
    listing = c.get(reverse("applications:call-messages", args=[gd_call.pk])).content.decode()
    assert listing.count("applications/calls/") >= len(EVENTS)
    url = reverse("applications:call-message", args=[gd_call.pk, "designation.designated"])
    page = c.get(url).content.decode()
    assert "{document}" in page and "文号" in page
    typed = {"title": "{park}获认定", "body": "依据{document}，{park}认定为基地。", "_action": "preview"}
    preview = c.post(url, typed).content.decode()
    assert 'data-testid="preview"' in preview and "粤商务服字〔2022〕18号" in preview
    assert not MessageTemplate.objects.exists()
    bad = c.post(url, {"title": "", "body": "依据{document}，保留我输入的内容。", "_action": "save"})
    assert bad.status_code == 400 and "依据{document}，保留我输入的内容。" in bad.content.decode()
    saved = c.post(url, {**typed, "_action": "save"})
    assert saved.status_code == 302 and MessageTemplate.objects.get().title == "{park}获认定"
    assert "已为本批次修改" in c.get(reverse("applications:call-messages", args=[gd_call.pk])).content.decode()


def test_co_reviewers_are_reminded_before_the_recommendation_deadline(submitted, gd_call, user_named,  # noqa: F811
                                                                      django_capture_on_commit_callbacks):
    from applications.models import Call
    from portal.workdays import add_workdays

    review_services.decide(application=submitted, version_number=1, user=user_named("city_gz"), decision="approve",
                           checklist=CHECKLIST)
    review_services.co_review(application=submitted, user=user_named("gz_cac"), stance="concur", opinion="同意")
    today = date(2026, 12, 1)
    deadline = add_workdays(today, 4)  # three working days left after today
    Call.objects.filter(pk=gd_call.pk).update(recommend_deadline=datetime.combine(
        deadline, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(hours=17))
    review_services.remind_units(today=today)
    # 网信办 has concurred; 工信局 has not: only it is reminded, with the count and the deadline.
    assert "coreview.reminder" not in _events_of("gz_cac")
    reminder = _last("gz_miit", "coreview.reminder")
    assert "1" in reminder.title and f"{deadline.month}月{deadline.day}日" in reminder.body
    assert "recommendation.reminder" in _events_of("city_gz")


def test_co_issuers_are_reminded_of_a_candidate_list_awaiting_them(gd_call, user_named):  # noqa: F811
    from portal.workdays import add_workdays
    from review.models import CandidateList

    candidate_list = CandidateList.objects.create(call=gd_call, proposed_at=datetime(2026, 12, 1, 10, 0,
                                                                                    tzinfo=SHANGHAI))
    CandidateList.objects.filter(pk=candidate_list.pk).update(status="proposed")
    CandidateConcurrence.objects.create(candidate_list=candidate_list, reviewer=user_named("gd_cac"),
                                        organization=user_named("gd_cac").memberships.get().organization,
                                        stance="concur", opinion="同意")
    review_services.remind_candidate_concurrence(today=add_workdays(date(2026, 12, 1), 2))
    assert "candidates.reminder" not in _events_of("gd_miit")  # one working day waited: not yet
    review_services.remind_candidate_concurrence(today=add_workdays(date(2026, 12, 1), 3))
    assert _events_of("gd_miit") == ["candidates.reminder"]
    assert "2026年12月1日" in _last("gd_miit", "candidates.reminder").body
    assert "candidates.reminder" not in _events_of("gd_cac")  # it has concurred
