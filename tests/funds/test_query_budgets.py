"""The fund's list pages run the same number of queries for 10 rows and for 1,000, under the ceiling."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Application
from funds.models import FundItem, FundPlan, ItemRequest
from portal.accounts.models import Organization, Region
from tests.test_query_budgets import _assert_constant, count

pytestmark = pytest.mark.django_db


def _grow(call, user, state):
    """n enterprises of 香洲区, each with an application in ``state`` requesting the offshore item."""
    region = Region.objects.get(code="440402")
    item = FundItem.objects.get(call=call, code="offshore")
    counter = {"n": 0}

    def grow(n):
        counter["n"] += 1
        enterprises = Organization.objects.bulk_create([
            Organization(name=f"预算企业{state}{counter['n']}-{i}", kind=Organization.Kind.ENTERPRISE, region=region)
            for i in range(n)])
        applications = Application.objects.bulk_create([
            Application(call=call, park=e, state=state, created_by=user, latest_version_number=1,
                        submitted_at=timezone.now()) for e in enterprises])
        ItemRequest.objects.bulk_create([
            ItemRequest(application=a, item=item, item_type=item.item_type, maximum_support=Decimal("100000"),
                        approved_amount=Decimal("100000")) for a in applications])
    return grow


def test_district_inbox(fund_call, client_for, user_named):
    client = client_for("district_xz")
    _assert_constant(client, "/funds/district/", _grow(fund_call, user_named("ent_feiqi"), "submitted"),
                     rows=count('href="/funds/district/'))


def test_city_applications(fund_call, client_for, user_named):
    client = client_for("zh_fund")
    _assert_constant(client, f"/funds/city/calls/{fund_call.pk}/",
                     _grow(fund_call, user_named("ent_feiqi"), "approved"),
                     rows=count('href="/funds/city/applications/'))


def test_plan(fund_call, client_for, user_named):
    FundPlan.objects.create(call=fund_call, title="安排计划", created_by=user_named("zh_fund"))
    client = client_for("zh_fund")
    _assert_constant(client, f"/funds/city/calls/{fund_call.pk}/plan/",
                     _grow(fund_call, user_named("ent_feiqi"), "evaluated"),
                     rows=count("服务外包业绩（离岸业务）</td>"))
