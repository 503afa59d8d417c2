"""Every list and dashboard page runs the same number of queries for 10 rows and for 1,000, under a ceiling."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Membership, Organization, Region, User
from portal.notifications.models import Notification
from publicity.models import DesignatedBase, Notice, NoticeItem, Objection
from review.models import Assignment, Conflict, ExpertProfile, ScoreSheet
from review.services import refresh_ranking
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks

pytestmark = pytest.mark.django_db
CEILING = 40
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _experts(n: int, start: int) -> list[ExpertProfile]:
    org = Organization.objects.get_or_create(name="预算测试大学", defaults={"kind": "other"})[0]
    users = User.objects.bulk_create([User(username=f"budget_expert_{start + i}", full_name=f"专家{start + i}")
                                      for i in range(n)])
    Membership.objects.bulk_create([Membership(user=u, organization=org, role="expert") for u in users])
    return ExpertProfile.objects.bulk_create([
        ExpertProfile(user=u, employer=org, region=Region.objects.get(code="440600"), specialties=["software"])
        for u in users])


def _grow_applications(call, user, state):
    counter = {"n": 0}

    def grow(n):
        counter["n"] += 1
        return bulk_applications(call, extra_parks("440100", n, f"预算{state}{counter['n']}-"), state, user)

    return grow


def _assignments(call, officer, applications, experts, *, sheets=False):
    created = Assignment.objects.bulk_create([
        Assignment(call=call, application=a, expert=e, version=a.versions.first(), method="manual", assigned_by=officer,
                   no_conflict_confirmed_at=timezone.now())
        for a in applications for e in experts])
    if sheets:
        ScoreSheet.objects.bulk_create([
            ScoreSheet(assignment=x, application=x.application, version=x.version, status="submitted",
                       scores={}, total=Decimal("80")) for x in created])
    return created


def _notice(call, applications):
    notice = Notice.objects.create(call=call, title="公示", body="正文", contact_phone="020-1", contact_email="a@b.cn",
                                   contact_address="广州", status="published", publication_date=date(2026, 11, 2),
                                   window_end=date(2026, 11, 6),
                                   closes_at=datetime(2027, 11, 6, 23, 59, 59, tzinfo=SHANGHAI),
                                   opens_at=datetime(2026, 11, 2, tzinfo=SHANGHAI))
    return notice


def _items(notice, applications):
    start = notice.items.count()
    return NoticeItem.objects.bulk_create([
        NoticeItem(notice=notice, application=a, order=start + i + 1, park_name=a.park.name, city_name="广州市")
        for i, a in enumerate(applications)])


def _objections(notice, n):
    item = notice.items.first()
    base = Objection.objects.count()
    Objection.objects.bulk_create([
        Objection(notice=notice, item=item, tracking_code=f"YY-B-{base + i}", name="张明",
                  id_number="11010519491231002X", phone="13800138000", email="z@example.com", facts="事实与理由。")
        for i in range(n)])


def _assert_constant(client, url, grow, *, rows):
    from django.core.cache import cache

    from portal.home.caching import clear_local_public_cache

    grow(10)
    cache.clear()  # rows added straight to the database do not bump the public cache
    clear_local_public_cache()  # (nor this process's copy of it)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    grow(990)
    cache.clear()
    clear_local_public_cache()
    with CaptureQueriesContext(connection) as large:
        second = client.get(url)
    assert second.status_code == 200
    assert rows(second) >= 1000, url
    assert len(large) == len(small), (url, len(small), len(large))
    assert len(large) <= CEILING, (url, len(large))


def count(marker):
    return lambda response: response.content.decode().count(marker)


def paginated(response) -> int:
    """Rows of a paginated list (the page draws 50 or 100 of them; the query budget must not grow)."""
    return response.context["page"].paginator.count


def test_park_workspace(client_for, user_named, gd_call):  # noqa: F811
    user = user_named("park_huangpu")

    def grow(n):
        parks = extra_parks("440100", n, f"自有{Organization.objects.count()}-")
        for p in parks:
            Membership.objects.create(user=user, organization=p, role="park_admin")
        bulk_applications(gd_call, parks, "draft", user)

    _assert_constant(client_for("park_huangpu"), reverse("workspace-park"), grow,
                     rows=count('class="btn btn-sm btn-primary" href="/applications/'))


def test_city_inbox_and_recommendation_page(client_for, user_named, gd_call):  # noqa: F811
    grow = _grow_applications(gd_call, user_named("park_huangpu"), "approved")
    _assert_constant(client_for("city_gz"), reverse("review:recommendation", args=[gd_call.pk]), grow,
                     rows=count("data-application="))


@pytest.mark.parametrize("query", ["?q=%E9%A2%84%E7%AE%97&state=submitted&o=-park", "?page=2"])
def test_city_inbox_filtered_and_paginated(client_for, user_named, gd_call, query):  # noqa: F811
    grow = _grow_applications(gd_call, user_named("park_huangpu"), "submitted")
    _assert_constant(client_for("city_gz"), reverse("review:inbox", args=[gd_call.pk]) + query, grow,
                     rows=paginated)


@pytest.mark.parametrize("query", ["", "?q=%E9%A2%84%E7%AE%97&stance=pending&state=approved&o=-park", "?page=2"])
def test_coreview_list(client_for, user_named, gd_call, query):  # noqa: F811
    grow = _grow_applications(gd_call, user_named("park_huangpu"), "approved")
    _assert_constant(client_for("gz_cac"), reverse("review:coreview-list", args=[gd_call.pk]) + query, grow,
                     rows=paginated)


@pytest.mark.parametrize("page", ["review:formal", "review:assignments"])
def test_organiser_lists(client_for, user_named, gd_call, page):  # noqa: F811
    state = "recommended" if page == "review:formal" else "formal_passed"
    grow = _grow_applications(gd_call, user_named("park_huangpu"), state)
    _experts(5, 0)
    _assert_constant(client_for("gd_officer"), reverse(page, args=[gd_call.pk]), grow,
                     rows=paginated)


def test_assignments_page_with_experts_and_sheets(client_for, user_named, gd_call):  # noqa: F811
    officer = user_named("gd_officer")
    experts = _experts(3, 100)

    def grow(n):
        applications = bulk_applications(gd_call, extra_parks("440600", n, f"分配{Assignment.objects.count()}-"),
                                         "formal_passed", user_named("park_huangpu"))
        _assignments(gd_call, officer, applications, experts, sheets=True)
        refresh_ranking(call_id=gd_call.pk)  # what the task does after a change (bulk_create bypasses it)

    _assert_constant(client_for("gd_officer"), reverse("review:ranking", args=[gd_call.pk]), grow,
                     rows=lambda r: r.context["page"].paginator.count)


def test_conflicts_page(client_for, user_named, gd_call):  # noqa: F811
    experts = _experts(1, 200)

    def grow(n):
        applications = bulk_applications(gd_call, extra_parks("440600", n, f"冲突{Conflict.objects.count()}-"),
                                         "formal_passed", user_named("park_huangpu"))
        Conflict.objects.bulk_create([Conflict(expert=experts[0], application=a, kind="same_city")
                                      for a in applications])

    _assert_constant(client_for("gd_officer"), reverse("review:conflicts", args=[gd_call.pk]), grow,
                     rows=paginated)


def test_expert_pool(client_for, demo):
    counter = {"start": 1000}

    def grow(n):
        _experts(n, counter["start"])
        counter["start"] += n

    _assert_constant(client_for("gd_officer"), reverse("review:experts"), grow, rows=paginated)


def test_expert_workspace(client_for, user_named, gd_call):  # noqa: F811
    officer = user_named("gd_officer")
    me = ExpertProfile.objects.create(user=user_named("expert_li"), employer=Organization.objects.first())

    def grow(n):
        applications = bulk_applications(gd_call, extra_parks("440600", n, f"任务{Assignment.objects.count()}-"),
                                         "formal_passed", user_named("park_huangpu"))
        _assignments(gd_call, officer, applications, [me])

    _assert_constant(client_for("expert_li"), reverse("workspace-expert"), grow, rows=count("data-task="))


def test_public_notice_list_notice_page_and_objections(client_for, client, user_named, gd_call):  # noqa: F811
    notice = _notice(gd_call, [])
    grow_apps = _grow_applications(gd_call, user_named("park_huangpu"), "formal_passed")
    _assert_constant(client, reverse("publicity:notice", args=[notice.pk]), lambda n: _items(notice, grow_apps(n)),
                     rows=count("data-item="))
    _assert_constant(client_for("gd_officer"), reverse("publicity:manage-notice", args=[gd_call.pk]),
                     lambda n: _objections(notice, n), rows=paginated)

    def more_notices(n):
        Notice.objects.bulk_create([Notice(call=gd_call, title=f"公示{i}", body="正文", contact_phone="1",
                                           contact_email="a@b.cn", contact_address="x", status="closed",
                                           publication_date=date(2025, 1, 2), window_end=date(2025, 1, 8))
                                    for i in range(n)])

    _assert_constant(client_for("city_gz"), reverse("publicity:notices") + "?page=1", more_notices,
                             rows=lambda r: 1000 if Notice.objects.count() >= 1000 else 0)


def test_bases_directory(client, demo):
    def grow(n):
        start = DesignatedBase.objects.count()
        DesignatedBase.objects.bulk_create([
            DesignatedBase(name=f"基地{start}-{i}", province="广东省", city="广州市", level="provincial",
                           batch="第一批", year=2026) for i in range(n)])

    _assert_constant(client, reverse("bases"), grow, rows=paginated)
    _assert_constant(client, reverse("bases") + "?q=%E5%9F%BA%E5%9C%B0&level=provincial&year=2026&o=-name", grow,
                     rows=paginated)


def test_notifications(client_for, user_named):
    user = user_named("park_huangpu")

    def grow(n):
        Notification.objects.bulk_create([Notification(recipient=user, title=f"通知{i}") for i in range(n)])

    _assert_constant(client_for("park_huangpu"), reverse("notifications"), grow,
                     rows=lambda r: Notification.objects.filter(recipient=user).count())


def test_system_administration_lists_are_paged_in_constant_queries(client_for, demo):
    """Users (with their roles), organisations and the audit log: 50 rows a page, the same queries for 10 rows
    as for 1,000."""
    from portal.audit.models import AuditEvent

    org = Organization.objects.get(name="广东省商务厅")
    counter = {"start": 0}

    def grow(n):
        start = counter["start"]
        counter["start"] += n
        users = User.objects.bulk_create([User(username=f"budget_user_{start + i}", full_name=f"用户{start + i}")
                                          for i in range(n)])
        Membership.objects.bulk_create([Membership(user=u, organization=org, role="provincial_officer")
                                        for u in users])
        Organization.objects.bulk_create([Organization(name=f"预算单位{start + i}", kind="other") for i in range(n)])
        AuditEvent.objects.bulk_create([AuditEvent(actor=u, organization=org, verb="membership.added",
                                                   target_repr=u.username) for u in users])

    client = client_for("sysadmin")
    pages = [(reverse("system:users"), "data-user="), (reverse("system:organizations"), "/system/organisations/"),
             (reverse("system:audit"), "data-verb=")]
    grow(10)
    small = {}
    for url, _marker in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        small[url] = len(ctx)
    grow(990)
    for url, marker in pages:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.content.decode().count(marker) >= 50, url
        assert len(ctx) == small[url] <= CEILING, (url, small[url], len(ctx))
        assert response.context["page"].paginator.count >= 1000, url
