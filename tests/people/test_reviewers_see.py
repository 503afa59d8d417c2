"""Reviewers see what they need (issue 20 point 5): the panel leader sees the members' scores and
comments; a discussion thread per application for the panel and the organiser, hidden from the park;
the city's review page shows the park's explanation per condition and keeps the checklist on a
resubmission, marking what changed."""

import pytest
from django.urls import reverse

from applications import services as application_services
from review import services as review_services
from review.models import ExpertProfile, Panel
from tests.people import chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(gd_call, user_named):
    u = user_named
    application = chain.submit(gd_call, u)
    chain.approve(application, u)
    chain.concur(application, u)
    chain.send(gd_call, application, u)
    officer = u("gd_officer")
    review_services.formal_check(application=application, user=officer, decision="pass")
    li, xu = (ExpertProfile.objects.create(user=u(n), employer=u(n).memberships.get().organization)
              for n in ("expert_li", "expert_xu"))
    panel = Panel.objects.create(call=gd_call, name="第一组", leader=li)
    panel.members.set([li, xu])
    review_services.ensure_default_rubric(gd_call)
    for expert, points, comment in ((li, "5", "数字服务出口基础扎实。"), (xu, "4", "统计监测体系尚需完善。")):
        assignment = review_services.assign_manually(application=application, experts=[expert], user=officer)[0]
        review_services.confirm_no_conflict(assignment=assignment, user=expert.user)
        review_services.save_sheet(assignment=assignment, user=expert.user, comment=comment,
                                   scores={str(c.pk): points for c in gd_call.rubric.all()}, submit=True)
    return application


def test_the_panel_leader_sees_every_members_scores_and_comments(scored, gd_call, client_for):
    page = client_for("expert_li").get(reverse("review:panel-opinions", args=[gd_call.pk])).content.decode()
    table = page[page.index('data-testid="member-sheets"'):]
    assert "数字服务出口基础扎实。" in table and "统计监测体系尚需完善。" in table
    assert "徐教授" in table and "30.00" in table and "24.00" in table
    # A failed opinion keeps nothing less than what was typed.
    response = client_for("expert_li").post(reverse("review:panel-opinions", args=[gd_call.pk]),
                                            {"application": scored.pk, "text": "专" * 5001})
    assert response.status_code == 400 and "专" * 5001 in response.content.decode()


def test_the_discussion_is_for_the_panel_and_the_organiser_only(scored, client_for, user_named):
    url = reverse("review:discussion", args=[scored.pk])
    assert client_for("expert_xu").post(url, {"text": "建议重点核实出口额的统计口径。"}).status_code == 302
    assert client_for("gd_officer").post(url, {"text": "已请园区补充说明。"}).status_code == 302
    page = client_for("expert_li").get(url).content.decode()
    assert page.index("建议重点核实出口额的统计口径。") < page.index("已请园区补充说明。")
    for outsider in ("park_huangpu", "city_gz", "gz_cac", "expert_chen", "mofcom_officer"):
        assert client_for(outsider).get(url).status_code == 404, outsider
        assert client_for(outsider).post(url, {"text": "我也想说两句"}).status_code == 404, outsider
    # Not on the park's pages either.
    park_page = client_for("park_huangpu").get(reverse("applications:detail", args=[scored.pk])).content.decode()
    assert "建议重点核实出口额的统计口径。" not in park_page
    # An expert with a conflict of interest with the park does not read it.
    from review.models import Conflict

    chen = ExpertProfile.objects.create(user=user_named("expert_chen"),
                                        employer=user_named("expert_chen").memberships.get().organization)
    Panel.objects.get().members.add(chen)
    assert client_for("expert_chen").get(url).status_code == 200
    Conflict.objects.create(expert=chen, application=scored, kind="same_city")
    assert client_for("expert_chen").get(url).status_code == 404
    empty = client_for("gd_officer").post(url, {"text": "   "})
    assert empty.status_code == 400


def test_the_city_sees_the_explanation_and_keeps_its_checklist_on_a_resubmission(gd_call, user_named, client_for):
    u = user_named
    application = chain.submit(gd_call, u)
    city = client_for("city_gz")
    url = reverse("review:review", args=[application.pk])
    page = city.get(url).content.decode()
    assert page.count('data-testid="park-explanation"') == 6 and "园区符合该项条件，详见所附证明材料。" in page
    assert 'data-testid="condition-changed"' not in page
    checklist = {**chain.CHECKLIST, "c4": {"status": "clarify", "remark": "统计监测体系说明不足"}}
    review_services.decide(application=application, version_number=1, user=u("city_gz"), decision="return",
                           checklist=checklist, reasons="请补充统计监测体系说明")
    park_user = u("park_huangpu")
    application.refresh_from_db()
    section = application.sections.get(key="conditions")
    data = {**section.data, "c4_explanation": "园区已接入服贸直报系统，按月采集企业数据，详见统计制度文件。"}
    application_services.save_section(application=application, key="conditions", user=park_user, data=data,
                                      complete=True, base_revision=section.revision)
    application_services.submit_application(application=application, user=park_user)
    page = city.get(url).content.decode()
    changed = page[page.index('data-condition="4"'):page.index('data-condition="5"')]
    assert 'data-testid="condition-changed"' in changed and "园区已接入服贸直报系统" in changed
    assert page.count('data-testid="condition-changed"') == 1
    # The last round's assessment and remark are kept for the reviewer to revise.
    assert 'value="clarify"' in changed and "checked" in changed[changed.index('value="clarify"') - 200:
                                                                 changed.index('value="clarify"') + 200]
    assert "统计监测体系说明不足" in changed
