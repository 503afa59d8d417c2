"""Searchable, filterable, sortable, paginated lists (portal.lists, review.filters)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import Region
from review.models import Conflict, ExpertProfile
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox_rows(gd_call, user_named):  # noqa: F811
    """60 applications of 广州 parks: 30 submitted, 30 returned; every other one misses a criterion."""
    park_user = user_named("park_huangpu")
    submitted = bulk_applications(gd_call, extra_parks("440100", 30, "甲园区"), "submitted", park_user)
    returned = bulk_applications(gd_call, extra_parks("440100", 30, "乙园区"), "returned", park_user)
    return submitted, returned


def _ids(response) -> list[int]:
    return [a.pk for a in response.context["page"].object_list]


def test_the_inbox_is_searched_filtered_sorted_and_paginated(inbox_rows, client_for, gd_call):  # noqa: F811
    submitted, returned = inbox_rows
    c = client_for("city_gz")
    url = reverse("review:inbox", args=[gd_call.pk])
    everything = c.get(url)
    assert everything.status_code == 200 and everything.context["page"].paginator.count >= 60
    assert len(everything.context["page"].object_list) == 50  # a page of 50
    # Search by name, and by application number.
    found = c.get(url, {"q": "乙园区440100-7"})
    assert _ids(found) == [returned[7].pk]
    assert _ids(c.get(url, {"q": str(submitted[3].pk)})) == [submitted[3].pk]
    # Filter by state and by the flag; both together.
    only_returned = c.get(url, {"state": "returned"})
    assert set(_ids(only_returned)) == {a.pk for a in returned}
    flagged = c.get(url, {"state": "submitted", "misses": "yes"})
    assert set(_ids(flagged)) == {a.pk for i, a in enumerate(submitted) if i % 2}
    # Filter by city: the choices are the cities of the listed parks.
    guangzhou = Region.objects.get(code="440100")
    assert guangzhou in everything.context["filter"].form.fields["city"].queryset
    assert set(_ids(c.get(url, {"city": guangzhou.pk, "state": "returned"}))) == {a.pk for a in returned}
    # Sort by park, both ways.
    names = [a.park.name for a in c.get(url, {"state": "returned", "o": "park"}).context["page"].object_list]
    assert names == sorted(names)
    backwards = [a.park.name for a in c.get(url, {"state": "returned", "o": "-park"}).context["page"].object_list]
    assert backwards == sorted(names, reverse=True)
    # The page links keep the filters.
    body = c.get(url, {"q": "园区"}).content.decode()
    assert "?q=%E5%9B%AD%E5%8C%BA&amp;page=2" in body or "?q=%E5%9B%AD%E5%8C%BA&page=2" in body
    second = c.get(url, {"q": "园区", "page": "2"})
    assert len(second.context["page"].object_list) == 10


def test_a_bad_filter_value_is_refused_next_to_the_field(inbox_rows, client_for, gd_call):  # noqa: F811
    c = client_for("city_gz")
    response = c.get(reverse("review:inbox", args=[gd_call.pk]), {"state": "deleted", "q": "甲园区"})
    assert response.status_code == 400
    assert "state" in response.context["filter"].errors
    body = response.content.decode()
    assert "invalid-feedback" in body and "不是可选项" in body
    assert 'value="甲园区"' in body  # what was typed stays
    assert response.context["page"].paginator.count == 30  # the valid filter still applies


def test_the_expert_pool_is_searched_and_filtered(client_for, demo, user_named):
    org = user_named("expert_li").memberships.get().organization
    shantou = Region.objects.get(code="440500")
    ExpertProfile.objects.create(user=user_named("expert_li"), employer=org, specialties=["ai", "data"],
                                 region=shantou)
    ExpertProfile.objects.create(user=user_named("expert_chen"), employer=org, specialties=["finance"],
                                 is_active=False)
    c = client_for("gd_officer")
    url = reverse("review:experts")

    def names(**query):
        return [e.user.username for e in c.get(url, query).context["page"].object_list]

    assert sorted(names()) == ["expert_chen", "expert_li"]
    assert names(specialty="ai") == ["expert_li"]
    assert names(active="no") == ["expert_chen"]
    assert names(region=shantou.pk) == ["expert_li"]
    assert names(q="expert_ch") == ["expert_chen"]


def test_conflicts_are_filtered_by_status_and_searched(client_for, gd_call, user_named):  # noqa: F811
    org = user_named("expert_li").memberships.get().organization
    expert = ExpertProfile.objects.create(user=user_named("expert_li"), employer=org)
    apps = bulk_applications(gd_call, extra_parks("440600", 4, "丙园区"), "formal_passed", user_named("park_huangpu"))
    for i, a in enumerate(apps):
        Conflict.objects.create(expert=expert, application=a, kind="same_city",
                                status="confirmed" if i % 2 else "suggested")
    c = client_for("gd_officer")
    url = reverse("review:conflicts", args=[gd_call.pk])
    confirmed = c.get(url, {"status": "confirmed"}).context["page"].object_list
    assert {x.application_id for x in confirmed} == {apps[1].pk, apps[3].pk}
    assert [x.application_id for x in c.get(url, {"q": "丙园区440600-2"}).context["page"].object_list] == [apps[2].pk]
