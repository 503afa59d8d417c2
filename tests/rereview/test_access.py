"""Who sees what of a re-review: experts only their bases, parks their own outcome without experts' names."""

import pytest
from django.urls import reverse

from rereview import services
from review.models import Assignment
from tests.rereview.test_rereview import item_of, score, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(officer, gd_org, two_bases, experts):
    """黄埔 scored by 李 and 黄, 琶洲 by 黄 and 陈; 黄埔 failed."""
    rnd = start(officer, gd_org, two_bases)
    huangpu, pazhou = (item_of(rnd, b) for b in two_bases)
    score(huangpu, experts[:2], officer, "3")
    score(pazhou, experts[1:], officer, "8")
    services.decide_outcome(item=huangpu, user=officer, outcome="failed", reason="连续两年未完成建设任务。")
    return rnd, huangpu, pazhou


def test_experts_see_only_the_bases_assigned_to_them(scored, client_for):
    rnd, huangpu, pazhou = scored
    li = client_for("expert_li")  # assigned to 黄埔 only
    mine = Assignment.objects.get(application=huangpu.application, expert__user__username="expert_li")
    other = Assignment.objects.get(application=pazhou.application, expert__user__username="expert_chen")
    page = li.get(reverse("review:task", args=[mine.pk]))
    assert page.status_code == 200 and "12.30" in page.content.decode()  # the reports of the period
    assert li.get(reverse("review:task", args=[other.pk])).status_code == 404
    assert li.get(reverse("applications:version", args=[huangpu.application_id, 1])).status_code == 200
    assert li.get(reverse("applications:version", args=[pazhou.application_id, 1])).status_code == 404
    for name in ("rereview:round", "rereview:notice", "rereview:revoke"):
        assert li.get(reverse(name, args=[rnd.pk])).status_code in (404, 405)
    assert li.get(reverse("rereview:item", args=[huangpu.pk])).status_code == 404
    workspace = li.get(reverse("workspace-expert")).content.decode()
    assert huangpu.application.park.name in workspace and pazhou.application.park.name not in workspace


def test_parks_see_their_outcome_but_never_the_experts(scored, client_for, user_named):
    rnd, huangpu, pazhou = scored
    names = [user_named(u).display_name for u in ("expert_li", "expert_huang", "expert_chen")]
    park = client_for("park_huangpu")
    page = park.get(reverse("rereview:item", args=[huangpu.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "连续两年未完成建设任务" in text and 'data-outcome="failed"' in text
    assert "广东省商务厅" in text  # the deciding body stands for the person in the park's history
    for name in [*names, user_named("gd_officer").display_name]:
        assert name not in text
    assert park.get(reverse("rereview:item", args=[pazhou.pk])).status_code == 404
    assert park.get(reverse("rereview:round", args=[rnd.pk])).status_code == 404
    assert huangpu.base.name in park.get(reverse("rereview:mine")).content.decode()
    # the organiser's page of the same base names the experts who scored it
    organiser = client_for("gd_officer").get(reverse("rereview:item", args=[huangpu.pk])).content.decode()
    assert names[0] in organiser


def test_bad_input_keeps_what_was_typed(scored, client_for):
    rnd, huangpu, pazhou = scored
    response = client_for("gd_officer").post(reverse("rereview:outcome", args=[pazhou.pk]), {
        f"o{pazhou.pk}-outcome": "rectify", f"o{pazhou.pk}-reason": "统计监测制度未建立。"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "统计监测制度未建立。" in text and "rectification_deadline" in text and "invalid-feedback" in text
    pazhou.refresh_from_db()
    assert pazhou.outcome == ""
