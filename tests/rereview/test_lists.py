"""The re-review's lists run the same number of queries for 10 rows and for 1,000 (tests/test_query_budgets.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationVersion, Call
from publicity.models import DesignatedBase
from rereview.models import ReReviewItem, ReReviewRound
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.rereview.test_rereview import start
from tests.review.conftest import extra_parks
from tests.test_query_budgets import _assert_constant, count, paginated

pytestmark = pytest.mark.django_db


def _grow_items(rnd: ReReviewRound, officer, gd_org, *, parks=None):
    counter = {"n": 0}

    def grow(n):
        counter["n"] += 1
        these = parks(n) if parks else extra_parks("440100", n, f"复审预算{counter['n']}-")
        bases = DesignatedBase.objects.bulk_create([
            DesignatedBase(name=f"{p.name}基地", province="广东省", city="广州市", level="provincial", batch="第一批",
                           year=2020, park=p, organiser=gd_org) for p in these])
        apps = Application.objects.bulk_create([
            Application(call=rnd.call, park=p, state="formal_passed", created_by=officer, latest_version_number=1,
                        submitted_at=timezone.now()) for p in these])
        ApplicationVersion.objects.bulk_create([
            ApplicationVersion(application=a, number=1, data={"outline": []}, submitted_by=officer,
                               submitted_at=timezone.now()) for a in apps])
        ReReviewItem.objects.bulk_create([
            ReReviewItem(round=rnd, base=b, application=a, outcome="failed" if i % 3 == 0 else "")
            for i, (b, a) in enumerate(zip(bases, apps, strict=True))])

    return grow


def test_round_page(client_for, officer, gd_org, two_bases):
    rnd = start(officer, gd_org, two_bases)
    _assert_constant(client_for("gd_officer"), reverse("rereview:round", args=[rnd.pk]),
                     _grow_items(rnd, officer, gd_org), rows=paginated)


def test_rounds_list(client_for, officer, gd_org, two_bases):
    rnd = start(officer, gd_org, two_bases)

    template = {f.attname: getattr(rnd.call, f.attname) for f in Call._meta.concrete_fields if f.attname != "id"}

    def grow(n):
        start_at = ReReviewRound.objects.count()
        created = Call.objects.bulk_create([Call(**{**template, "title": f"复审{start_at + i}"}) for i in range(n)])
        ReReviewRound.objects.bulk_create([
            ReReviewRound(call=c, reference_date=rnd.reference_date, period_from=rnd.period_from,
                          period_to=rnd.period_to, started_by=officer) for c in created])

    _assert_constant(client_for("gd_officer"), reverse("rereview:rounds"), grow, rows=count("/rereview/"))


def test_park_pages(client_for, officer, gd_org, two_bases, user_named):
    from portal.accounts.models import Membership

    rnd = start(officer, gd_org, two_bases)
    park_user = user_named("park_huangpu")

    def parks(n):
        these = extra_parks("440100", n, f"自有复审{ReReviewItem.objects.count()}-")
        Membership.objects.bulk_create([Membership(user=park_user, organization=p, role="park_admin")
                                        for p in these])
        return these

    _assert_constant(client_for("park_huangpu"), reverse("rereview:mine"),
                     _grow_items(rnd, officer, gd_org, parks=parks), rows=count('href="/rereview/items/'))
