"""The city bureau's fund officer drafts a fund call with the guide's items, changes their caps, opens and closes it;
refusals for the wrong role, the wrong state and bad input change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import Call
from funds import demo as fund_demo
from funds import selectors, services
from funds.items import SEED_ITEMS
from funds.models import FundItem
from portal.audit.models import AuditEvent
from portal.workflow import StepNotPossible

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(demo, user_named):
    fund_demo.load_accounts()
    return user_named("zh_fund")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**overrides) -> dict:
    deadline = timezone.localtime(timezone.now() + timedelta(days=20)).replace(second=0, microsecond=0)
    data = {"year": "2027", "title": "", "document_number": "珠商〔2027〕5号",
            "park_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "recommend_deadline": (deadline + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "publicity_days": "5", "items": [row["code"] for row in SEED_ITEMS]}
    data.update(overrides)
    return data


def _draft(officer, **values) -> Call:
    deadline = timezone.now() + timedelta(days=20)
    return services.save_fund_call(
        user=officer, item_codes=values.pop("items", [row["code"] for row in SEED_ITEMS]),
        values={"year": 2027, "title": "", "document_number": "珠商〔2027〕5号", "park_deadline": deadline,
                "recommend_deadline": deadline + timedelta(days=10), "publicity_days": 5, **values})


def test_the_officer_drafts_the_call_on_the_screen_and_opens_it(officer):
    client = _client(officer)
    workspace = client.get(reverse("workspace-fund")).content.decode()
    assert reverse("funds:call-new") in workspace  # reached from the workspace
    response = client.post(reverse("funds:call-new"), _form())
    call = Call.objects.get(document_number="珠商〔2027〕5号")
    assert response.status_code == 302 and response["Location"] == reverse("funds:call-manage", args=[call.pk])
    assert call.programme == "fund" and call.status == Call.Status.DRAFT
    assert call.title == "2027年珠海市内外经贸发展专项资金（服务贸易发展事项）申报"
    assert call.region.code == "440400" and call.organiser.name == "珠海市商务局"
    assert list(call.fund_items.values_list("code", flat=True)) == [row["code"] for row in SEED_ITEMS]
    assert AuditEvent.objects.filter(verb="call.created", target_id=str(call.pk)).exists()
    assert call not in selectors.open_fund_calls()  # a draft: enterprises do not see it

    page = client.get(reverse("funds:call-manage", args=[call.pk])).content.decode()
    assert reverse("funds:call-open", args=[call.pk]) in page and reverse("funds:call-items", args=[call.pk]) in page
    response = client.post(reverse("funds:call-open", args=[call.pk]))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN and call in selectors.open_fund_calls()
    assert AuditEvent.objects.filter(verb="call.opened", target_id=str(call.pk)).exists()
    page = client.get(reverse("funds:call-manage", args=[call.pk])).content.decode()
    assert reverse("funds:call-close", args=[call.pk]) in page
    assert reverse("funds:call-open", args=[call.pk]) not in page

    assert client.post(reverse("funds:call-close", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert AuditEvent.objects.filter(verb="call.closed", target_id=str(call.pk)).exists()


def test_bad_input_is_shown_beside_its_field_and_nothing_is_stored(officer):
    client = _client(officer)
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("funds:call-new"), _form(park_deadline=past))
    assert response.status_code == 400
    assert "企业申报截止时间必须晚于当前时间" in str(response.context["form"].errors["park_deadline"])
    response = client.post(reverse("funds:call-new"), _form(items=[]))
    assert response.status_code == 400 and response.context["form"].errors["items"]
    response = client.post(reverse("funds:call-new"), _form(year="", title=""))
    assert response.status_code == 400 and response.context["form"].errors["year"]
    early = _form()
    early["recommend_deadline"] = early["park_deadline"]
    response = client.post(reverse("funds:call-new"), early)
    assert response.status_code == 400 and response.context["form"].errors["recommend_deadline"]
    assert "invalid-feedback" in response.content.decode()
    assert not Call.objects.filter(programme="fund").exists()
    assert not AuditEvent.objects.filter(verb="call.created").exists()


def test_other_roles_can_neither_draft_nor_open_a_fund_call(officer, user_named):
    district, provincial = user_named("district_xz"), user_named("gd_officer")
    assert _client(district).get(reverse("funds:call-new")).status_code == 403
    assert _client(district).post(reverse("funds:call-new"), _form()).status_code == 403
    with pytest.raises(PermissionDenied):
        _draft(district)
    call = _draft(officer)
    assert _client(provincial).post(reverse("funds:call-open", args=[call.pk])).status_code == 404
    assert _client(district).post(reverse("funds:call-items", args=[call.pk])).status_code == 404
    with pytest.raises(PermissionDenied):  # the bases' organiser permission is not the fund's
        application_services.open_call(user=provincial, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
    assert not AuditEvent.objects.filter(verb="call.opened").exists()


def test_a_fund_call_opens_only_with_its_items(officer):
    call = _draft(officer)
    FundItem.objects.filter(call=call).delete()
    response = _client(officer).post(reverse("funds:call-open", args=[call.pk]))
    assert response.status_code == 400
    assert "请先添加批次的支持事项" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT  # the bases' thresholds are not asked of it: its items are
    services.save_fund_call(user=officer, call=call, item_codes=["offshore", "insurance"],
                            values={"year": 2027, "title": call.title, "document_number": call.document_number,
                                    "park_deadline": call.park_deadline, "recommend_deadline": call.recommend_deadline,
                                    "publicity_days": 7})
    assert list(call.fund_items.values_list("code", flat=True)) == ["offshore", "insurance"]
    application_services.open_call(user=officer, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN and call.publicity_days == 7


def test_an_open_call_keeps_its_settings_and_items(officer):
    call = _draft(officer)
    application_services.open_call(user=officer, call=call)
    offshore = call.fund_items.get(code="offshore")
    with pytest.raises(ValidationError) as refused:
        services.save_fund_call(
            user=officer, call=call, item_codes=["offshore"], values={
                "year": 2027, "title": "x", "document_number": "y", "park_deadline": call.park_deadline,
                "recommend_deadline": call.recommend_deadline, "publicity_days": 5})
    assert refused.value.code == "state"
    with pytest.raises(ValidationError):
        services.update_item(item=offshore, user=officer, tiers=[[1, 1]], cap=None, total_cap=None,
                             standard="标准说明文字")
    with pytest.raises(StepNotPossible):
        application_services.open_call(user=officer, call=call)
    client = _client(officer)
    response = client.get(reverse("funds:call-edit", args=[call.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("funds:call-manage", args=[call.pk])
    response = client.post(reverse("funds:call-items", args=[call.pk]), {"item": offshore.pk})
    assert response.status_code == 404
    call.refresh_from_db()
    offshore.refresh_from_db()
    assert call.fund_items.count() == len(SEED_ITEMS) and offshore.tiers == [[100, 100000], [500, 200000],
                                                                              [1000, 300000]]


def test_the_officer_changes_an_items_tiers_before_opening(officer):
    call = _draft(officer)
    offshore = call.fund_items.get(code="offshore")
    client = _client(officer)
    prefix = f"i{offshore.pk}"
    page = client.get(reverse("funds:call-items", args=[call.pk]))
    assert page.status_code == 200 and f'name="{prefix}-tiers"' in page.content.decode()

    bad = client.post(reverse("funds:call-items", args=[call.pk]),
                      {"item": offshore.pk, f"{prefix}-tiers": "100 十万", f"{prefix}-standard": offshore.standard})
    assert bad.status_code == 400
    item_form = next(f for f in bad.context["item_forms"] if f.item.pk == offshore.pk)
    assert item_form.errors["tiers"]
    falling = client.post(reverse("funds:call-items", args=[call.pk]),
                          {"item": offshore.pk, f"{prefix}-tiers": "100, 200000\n500, 100000",
                           f"{prefix}-standard": offshore.standard})
    assert falling.status_code == 400
    assert "每一档的下限和上限都须高于前一档" in falling.content.decode()
    offshore.refresh_from_db()
    assert offshore.tiers == [[100, 100000], [500, 200000], [1000, 300000]]

    ok = client.post(reverse("funds:call-items", args=[call.pk]),
                     {"item": offshore.pk, f"{prefix}-tiers": "100, 120000\n500，240000\n1000 360000",
                      f"{prefix}-standard": "离岸执行金额达100万、500万、1000万美元的，分别最高12万、24万、36万元。"})
    assert ok.status_code == 302
    offshore.refresh_from_db()
    assert offshore.tiers == [[100, 120000], [500, 240000], [1000, 360000]]
    assert offshore.standard.startswith("离岸执行金额达100万")
    event = AuditEvent.objects.get(verb="fund.item_changed")
    assert event.data["item"] == "offshore" and event.data["before"]["tiers"] == [[100, 100000], [500, 200000],
                                                                                [1000, 300000]]
    # the call's settings keep the changed item (re-saving does not reinstall the guide's figures)
    services.save_fund_call(user=officer, call=call, item_codes=[row["code"] for row in SEED_ITEMS],
                            values={"year": 2027, "title": call.title, "document_number": call.document_number,
                                    "park_deadline": call.park_deadline, "recommend_deadline": call.recommend_deadline,
                                    "publicity_days": 5})
    offshore.refresh_from_db()
    assert offshore.tiers == [[100, 120000], [500, 240000], [1000, 360000]]
