"""The public base directory and the objections of a notice: searched, filtered, sorted, paginated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from publicity.models import DesignatedBase, Objection
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.publicity.test_publicity import candidates, draft, frozen, officer, published  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def bases(demo):
    DesignatedBase.objects.bulk_create(
        [DesignatedBase(name=f"广东数字基地{i:03d}", province="广东省", city="广州市" if i % 2 else "深圳市",
                        level="provincial", batch="第一批", year=2025 + i % 2) for i in range(150)]
        + [DesignatedBase(name="浙江数字基地", province="浙江省", city="杭州市", level="national", batch="第一批",
                          year=2024)])


def test_the_base_directory_is_searched_filtered_sorted_and_paginated(bases):
    def page(**query):
        return Client().get(reverse("bases"), query).context["page"]

    everything = page()
    assert everything.paginator.count == DesignatedBase.objects.count() and len(everything.object_list) == 100
    assert [b.name for b in page(q="浙江").object_list] == ["浙江数字基地"]
    assert [b.name for b in page(province="浙江省").object_list] == ["浙江数字基地"]
    assert page(level="provincial", year="2026").paginator.count == 75
    assert {b.city for b in page(q="深圳").object_list} == {"深圳市"}
    names = [b.name for b in page(province="广东省", o="-name").object_list]
    assert names == sorted(names, reverse=True) and names[0] == "广东数字基地149"
    response = Client().get(reverse("bases"), {"year": "abc"})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()


def test_the_objections_of_a_notice_are_filtered(published, officer, client_for):  # noqa: F811
    item = published.items.first()
    Objection.objects.bulk_create([
        Objection(notice=published, item=item, tracking_code=f"YY-T-{i:03d}", name="张明",
                  id_number="11010519491231002X", phone="13800138000", email="z@example.com", facts="事实。",
                  status="decided" if i % 3 == 0 else "received") for i in range(60)])
    c = client_for("gd_officer")
    url = reverse("publicity:manage-notice", args=[published.call_id])

    def page(**query):
        return c.get(url, query).context["page"]

    assert page().paginator.count == 60 and len(page().object_list) == 50
    assert [o.tracking_code for o in page(q="YY-T-007").object_list] == ["YY-T-007"]
    assert page(status="decided").paginator.count == 20
    assert page(item=item.pk).paginator.count == 60
    codes = [o.tracking_code for o in page(o="status").object_list]
    assert codes and all(Objection.objects.get(tracking_code=c).status == "decided" for c in codes[:20])
