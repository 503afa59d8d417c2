"""Workspaces that are to-do lists: 待办 with counts and the nearest deadline in working days, the
organiser's progress per city, and each application's state timeline (issue 20 point 2)."""

import re

import pytest
from django.urls import reverse

from tests.people import chain

pytestmark = pytest.mark.django_db


def _todo(page: str, key: str) -> int:
    match = re.search(rf'data-todo="{key}".*?data-testid="todo-count">(\d+)<', page, re.S)
    return int(match.group(1)) if match else 0


def test_each_role_sees_what_awaits_it(gd_call, user_named, client_for, monkeypatch):
    from datetime import datetime

    from django.utils import timezone

    from applications.models import Call

    u = user_named
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 1, 10, 0, tzinfo=chain.SHANGHAI))
    Call.objects.filter(pk=gd_call.pk).update(park_deadline=datetime(2026, 12, 10, 17, 0, tzinfo=chain.SHANGHAI),
                                              recommend_deadline=datetime(2026, 12, 18, 17, 0, tzinfo=chain.SHANGHAI))
    gd_call.refresh_from_db()
    city = client_for("city_gz")
    assert _todo(city.get(reverse("workspace-city")).content.decode(), "to_review") == 0
    application = chain.submit(gd_call, u)
    page = city.get(reverse("workspace-city")).content.decode()
    assert _todo(page, "to_review") == 1 and "还剩13个工作日（截止2026年12月18日）" in page
    assert _todo(client_for("city_sz").get(reverse("workspace-city")).content.decode(), "to_review") == 0
    chain.approve(application, u)
    page = city.get(reverse("workspace-city")).content.decode()
    assert _todo(page, "to_review") == 0 and _todo(page, "to_send") == 1
    cac = client_for("gz_cac")
    assert _todo(cac.get(reverse("workspace-coreview")).content.decode(), "to_coreview") == 1
    chain.concur(application, u, names=("gz_cac",))
    assert _todo(cac.get(reverse("workspace-coreview")).content.decode(), "to_coreview") == 0
    assert _todo(client_for("gz_miit").get(reverse("workspace-coreview")).content.decode(), "to_coreview") == 1
    chain.concur(application, u, names=("gz_miit",))
    # Shenzhen has a park that applied but has not reported: the organiser sees it named.
    chain.submit(gd_call, u, "park_nanshan")
    chain.send(gd_call, application, u)
    officer = client_for("gd_officer")
    page = officer.get(reverse("workspace-province")).content.decode()
    assert _todo(page, "to_check") == 1
    progress = page[page.index('data-testid="unit-progress"'):]
    assert "深圳市" in progress[progress.index('data-testid="not-reported"'):][:300]
    assert re.search(r"<td>广州市</td><td>1</td><td>1</td><td>已报送，1个园区</td>", progress)
    chain.to_candidates(gd_call, application, u)
    assert _todo(officer.get(reverse("workspace-province")).content.decode(), "to_check") == 0


def test_the_park_follows_its_application_to_designation(gd_call, user_named, client_for, monkeypatch):
    u = user_named
    application = chain.submit(gd_call, u)
    park = client_for("park_huangpu")
    page = park.get(reverse("workspace-park")).content.decode()
    assert "提交第1版" in page and "市商务局初审（推荐截止日期" in page
    chain.approve(application, u)
    chain.concur(application, u)
    chain.send(gd_call, application, u)
    chain.to_candidates(gd_call, application, u)
    chain.publish(gd_call, u, monkeypatch)
    park = client_for("park_huangpu")  # signed in again: the clock moved past the session's age
    page = park.get(reverse("workspace-park")).content.decode()
    assert "候选名单公示" in page and "2026年12月24日至2026年12月30日" in page and 'data-final=""' in page
    chain.designate(gd_call, u, monkeypatch)
    park = client_for("park_huangpu")
    page = park.get(reverse("workspace-park")).content.decode()
    steps = re.findall(r'data-testid="timeline-step">\s*<span class="timeline-date">([^<]*)</span>\s*'
                       r'<span class="fw-semibold">([^<]*)</span>', page)
    labels = [label for _day, label in steps]
    assert labels[0] == "开始申报" and labels[-1] == "已认定"
    assert labels.index("提交第1版") < labels.index("初审：初审通过") < labels.index("报送推荐") \
        < labels.index("形式审查：形式审查通过") < labels.index("列入候选名单") < labels.index("已认定")
    assert steps[-1][0] == "2027年1月8日" and 'data-testid="timeline-next"' not in page
    # The same timeline on the application's page, for the park only.
    assert "已认定" in park.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'data-testid="timeline"' not in client_for("city_gz").get(
        reverse("applications:detail", args=[application.pk])).content.decode()
