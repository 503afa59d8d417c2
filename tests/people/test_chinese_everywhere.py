"""Chinese everywhere, numbers as people write them (issue 20 point 6)."""

from datetime import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from applications.models import Call
from review.assignment import Shortfall
from tests.people import chain

pytestmark = pytest.mark.django_db


def test_scores_have_two_decimals_and_points_are_written_in_fen():
    rendered = Template("{% load numbers %}{{ a|score }} {{ b|score }} {{ c|score }} {{ d|points }} {{ e|points }}") \
        .render(Context({"a": 5.3, "b": "88.456", "c": None, "d": "100.0", "e": "7.5"}))
    assert rendered == "5.30 88.46 — 100分 7.5分"


def test_the_ranking_and_the_rubric_show_numbers_as_people_write_them(gd_call, user_named, client_for):
    application = chain.submit(gd_call, user_named)
    chain.approve(application, user_named)
    chain.concur(application, user_named)
    chain.send(gd_call, application, user_named)
    chain.to_candidates(gd_call, application, user_named)
    officer = client_for("gd_officer")
    ranking = officer.get(reverse("review:ranking", args=[gd_call.pk])).content.decode()
    assert "data-score>30.00<" in ranking
    rubric = officer.get(reverse("review:rubric", args=[gd_call.pk])).content.decode()
    assert "总分：100分。" in rubric and "<td>20分</td>" in rubric


def test_the_national_officer_is_called_so(client_for, calls):  # noqa: ARG001
    page = client_for("mofcom_officer").get(reverse("workspace-province")).content.decode()
    assert "中华人民共和国商务部 · 国家级业务人员" in page
    assert "广东省商务厅 · 省级业务人员" in client_for("gd_officer").get(reverse("workspace-province")).content.decode()


def test_assignment_shortfalls_and_django_messages_are_in_chinese():
    from publicity.forms import NoticeForm

    with translation.override("zh-hans"):
        shortfall = Shortfall(1, 2, "only 2 eligible experts (3 conflicted or inactive)",
                              {"needed": 4, "assigned": 2, "eligible": 2, "unavailable": 3})
        assert shortfall.message == "仅有2位符合条件的专家（另有3位需回避或未启用）"
        form = NoticeForm({"title": "公示", "body": "正文", "contact_phone": "020", "contact_email": "fw@",
                           "contact_address": "广州"})
        assert not form.is_valid() and form.errors["contact_email"] == ["请输入有效的电子邮箱地址。"]


def test_the_overview_never_names_a_library(gd_call, client_for):
    Call.objects.filter(pk=gd_call.pk).update(recommend_deadline=datetime(2031, 3, 1, 17, 0, tzinfo=chain.SHANGHAI))
    page = client_for("gd_officer").get(reverse("review:overview", args=[gd_call.pk])).content.decode()
    assert "2027年的工作日尚不确定" in page  # the first year not known
    assert "chinesecalendar" not in page.lower() and "library" not in page.lower()
