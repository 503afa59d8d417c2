"""Nothing typed is lost: forms that fail keep every value, with the message next to the field and a 4xx
status, and nothing changes (issue 20 point 4); the notice is one form; confirmations state the
consequence and the organiser is warned while the call is open or units have not reported (point 3)."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from publicity.models import Designation, Notice
from tests.people import chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_notice(gd_call, user_named, monkeypatch):
    application = chain.submit(gd_call, user_named)
    chain.approve(application, user_named)
    chain.concur(application, user_named)
    chain.send(gd_call, application, user_named)
    chain.to_candidates(gd_call, application, user_named)
    from publicity import services

    return services.draft_notice(call=gd_call, user=user_named("gd_officer"))


def _post(client, url, data):
    response = client.post(url, data)
    return response, response.content.decode()


def test_the_notice_is_one_form_that_keeps_what_was_typed(draft_notice, client_for, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 23, 9, 0, tzinfo=chain.SHANGHAI))
    officer = client_for("gd_officer")
    url = reverse("publicity:manage-notice", args=[draft_notice.call_id])
    page = officer.get(url).content.decode()
    form = page[page.index('data-testid="notice-form"'):page.index("</form>", page.index('data-testid="notice-form"'))]
    for name in ("contact_phone", "contact_email", "contact_address", "publication_date"):
        assert f'name="{name}"' in form
    assert 'value="publish"' in form and 'value="save"' in form
    typed = {"_action": "publish", "_revision": str(draft_notice.revision), "title": "候选名单公示（修订稿）",
             "body": draft_notice.body, "contact_phone": "020-38819191", "contact_email": "fwmy@gd.example.gov.cn",
             "contact_address": "广州市越秀区东风中路305号服务贸易处", "publication_date": "2026-12-01"}
    # A date in the past: refused next to the date, every typed value kept, nothing saved.
    response, body = _post(officer, url, typed)
    assert response.status_code == 400 and "发布日期不能早于今天" in body
    for value in ("候选名单公示（修订稿）", "020-38819191", "fwmy@gd.example.gov.cn",
                  "广州市越秀区东风中路305号服务贸易处", "2026-12-01"):
        assert value in body
    notice = Notice.objects.get(pk=draft_notice.pk)
    assert notice.status == "draft" and notice.contact_address == "" and notice.title == draft_notice.title
    # A bad e-mail address: the message is next to it, the rest kept.
    response, body = _post(officer, url, {**typed, "publication_date": "2026-12-24", "contact_email": "fwmy@"})
    assert response.status_code == 400 and "广州市越秀区东风中路305号服务贸易处" in body and 'value="fwmy@"' in body
    assert Notice.objects.get(pk=draft_notice.pk).status == "draft"
    # All good: saved and published in one step.
    response, _body = _post(officer, url, {**typed, "publication_date": "2026-12-24"})
    assert response.status_code == 302
    notice = Notice.objects.get(pk=draft_notice.pk)
    assert notice.status == "published" and notice.contact_phone == "020-38819191"
    assert notice.title == "候选名单公示（修订稿）"


def test_designation_keeps_the_typed_number_when_refused(draft_notice, client_for, user_named, monkeypatch):
    chain.publish(draft_notice.call, user_named, monkeypatch)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 28, 9, 0, tzinfo=chain.SHANGHAI))
    officer = client_for("gd_officer")
    url = reverse("publicity:designate", args=[draft_notice.call_id])
    response, body = _post(officer, url, {"document_number": "粤商务服字〔2027〕1号", "document_date": "2027-01-08",
                                          "title": "关于认定第二批广东省数字服务出口基地的通知"})
    assert response.status_code == 400 and 'data-testid="designate-error"' in body and "公示期" in body
    assert "粤商务服字〔2027〕1号" in body and "关于认定第二批广东省数字服务出口基地的通知" in body
    assert not Designation.objects.exists()


def test_objection_decision_keeps_the_reply_next_to_the_field(draft_notice, client_for, user_named, monkeypatch):
    from publicity import services

    notice = chain.publish(draft_notice.call, user_named, monkeypatch)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 24, 10, 0, tzinfo=chain.SHANGHAI))
    objection = services.submit_objection(
        notice=notice, item=notice.items.get(), files=[],
        values={"name": "张明", "organization": "", "id_number": "11010519491231002X", "phone": "13800138000",
                "email": "z@example.com", "facts": "申报的出口额与统计报表不一致，请核查。"})
    officer = client_for("gd_officer")
    url = reverse("publicity:objection-manage", args=[objection.pk])
    response, body = _post(officer, url, {"_action": "decide", "outcome": "upheld", "reply": "不成立。"})
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        message = gettext("Write the reply to the objector (at least a sentence).")
    assert response.status_code == 400 and "不成立。" in body and message in body
    reply_field = body[body.index('name="reply"') - 400:body.index('name="reply"') + 400]
    assert message in reply_field or message in body[body.index('data-testid="decide-form"'):]
    objection.refresh_from_db()
    assert objection.status != "decided"


def test_irreversible_steps_state_their_consequence(draft_notice, client_for, gd_call, user_named):
    officer = client_for("gd_officer")
    page = officer.get(reverse("publicity:manage-notice", args=[gd_call.pk])).content.decode()
    assert "发布后立即向社会公开，公示期内不能修改" in page
    # The call is still open for parks: the organiser is warned on the page and in the confirmation.
    assert 'data-testid="organiser-warnings"' in page and "本批次仍在受理申报" in page
    assert page.count("本批次仍在受理申报") >= 2


def test_the_organiser_is_warned_of_units_that_have_not_reported(gd_call, user_named, client_for):
    application = chain.submit(gd_call, user_named)
    chain.submit(gd_call, user_named, "park_nanshan")
    chain.approve(application, user_named)
    chain.concur(application, user_named)
    from review import services as review_services

    review_services.save_recommendation(call=gd_call, user=user_named("city_gz"), application_ids=[application.pk])
    recommendation = client_for("city_gz").get(reverse("review:recommendation", args=[gd_call.pk])).content.decode()
    assert "报送后本市推荐名单将锁定，仅组织单位可退回" in recommendation
    chain.send(gd_call, application, user_named)
    page = client_for("gd_officer").get(reverse("review:formal", args=[gd_call.pk])).content.decode()
    warning = page[page.index('data-testid="organiser-warnings"'):][:400]
    assert "尚有1个推荐单位未报送：深圳市" in warning
