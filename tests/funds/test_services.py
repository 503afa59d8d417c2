"""The fund programme's rules, enforced by the services whoever calls them (珠商〔2019〕28号)."""

from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services as application_services
from applications.demo import _pdf
from applications.models import Application
from funds import demo as fund_demo
from funds import services
from funds.models import ItemRequest, PlanObjection
from portal.audit.models import AuditEvent
from tests.funds.conftest import FIGURES

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_duplicate_item_type_is_refused_by_the_service(fund_call, feiqi, feiqi_org):
    """六(二) "同一类型项目不可重复申报": whoever calls, one request per item type."""
    application = services.start_application(call=fund_call, enterprise=feiqi_org, user=feiqi,
                                             item_codes=["offshore"])
    with pytest.raises(ValidationError) as refused:
        services.add_item(application=application, user=feiqi, item_code="offshore")
    assert "同一类型项目不可重复申报" in str(refused.value)
    assert application.item_requests.count() == 1
    services.add_item(application=application, user=feiqi, item_code="onshore")  # 在岸、离岸可分别申请
    assert application.item_requests.count() == 2


def test_items_of_one_type_twice_at_the_start_are_refused(fund_call, feiqi, feiqi_org):
    from funds.models import FundItem

    FundItem.objects.filter(call=fund_call, code="onshore").update(item_type="offshore")
    with pytest.raises(ValidationError):
        services.start_application(call=fund_call, enterprise=feiqi_org, user=feiqi, item_codes=["offshore", "onshore"])
    assert not Application.objects.filter(park=feiqi_org).exists()


def test_a_park_cannot_apply_to_the_fund(fund_call, user_named):
    park_user = user_named("park_huangpu")
    with pytest.raises(PermissionDenied):
        services.start_application(call=fund_call, enterprise=park_user.memberships.get().organization,
                                   user=park_user, item_codes=["offshore"])


def test_the_bases_start_refuses_a_fund_call(fund_call, user_named):
    park_user = user_named("park_huangpu")
    with pytest.raises((ValidationError, PermissionDenied)):
        application_services.start_application(call=fund_call, park=park_user.memberships.get().organization,
                                               user=park_user)


def test_submission_refuses_a_request_above_the_maximum(fund_call, feiqi, feiqi_org):
    application = services.start_application(call=fund_call, enterprise=feiqi_org, user=feiqi,
                                             item_codes=["offshore"])
    figures = {"offshore": {**FIGURES["offshore"], "requested": "250000.00"}}  # 620万美元 → at most 20万元
    fund_demo.fill(application, feiqi, figures)
    with pytest.raises(ValidationError) as refused:
        application_services.submit_application(application=application, user=feiqi)
    assert "20.00万元" in str(refused.value)
    application.refresh_from_db()
    assert application.state == "draft" and application.latest_version_number == 0


def test_submission_refuses_an_item_below_its_threshold(fund_call, feiqi, feiqi_org):
    application = services.start_application(call=fund_call, enterprise=feiqi_org, user=feiqi,
                                             item_codes=["offshore"])
    fund_demo.fill(application, feiqi, {"offshore": {**FIGURES["offshore"], "metric": "80.00", "requested": "1.00"}})
    with pytest.raises(ValidationError):
        application_services.submit_application(application=application, user=feiqi)


def test_submission_freezes_each_items_maximum(submitted):
    rows = {r.item.code: r for r in submitted.item_requests.select_related("item")}
    assert rows["offshore"].maximum_support == D("200000.00")
    assert rows["insurance"].maximum_support == D("38000.00")  # the premium actually paid
    assert submitted.state == "submitted" and submitted.versions.count() == 1


def test_jinwan_reviewer_cannot_review_a_xiangzhou_application(submitted, user_named):
    jinwan, xiangzhou = user_named("district_jw"), user_named("district_xz")
    assert not jinwan.has_perm("applications.view_application", submitted)
    assert not jinwan.has_perm("funds.district_review", submitted)
    with pytest.raises(PermissionDenied):
        services.district_review(application=submitted, user=jinwan, decision="approve", opinion="同意")
    assert xiangzhou.has_perm("applications.view_application", submitted)
    from funds.selectors import district_inbox

    assert list(district_inbox(jinwan)) == []
    assert list(district_inbox(xiangzhou)) == [submitted]


def test_an_enterprise_cannot_see_anothers_application(submitted, user_named):
    other = user_named("ent_goldpac")
    assert not other.has_perm("applications.view_application", submitted)
    assert not other.has_perm("applications.view_draft", submitted)
    from funds.selectors import applications_of_enterprises

    assert submitted not in list(applications_of_enterprises(other))


def test_the_whole_chain_with_an_upheld_objection(submitted, user_named, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    from django.utils import timezone

    xiangzhou, officer, feiqi = user_named("district_xz"), user_named("zh_fund"), user_named("ent_feiqi")
    with django_capture_on_commit_callbacks(execute=True):
        services.district_review(application=submitted, user=xiangzhou, decision="approve",
                                 opinion="材料齐全，同意推荐。")
    submitted.refresh_from_db()
    assert submitted.state == "approved"
    assert officer.notifications.filter(event="fund.forwarded").exists()
    offshore, insurance = sorted(submitted.item_requests.select_related("item"), key=lambda r: r.item.order)
    with pytest.raises(ValidationError):  # above the item's maximum
        services.city_review(application=submitted, user=officer, decision="evaluate", opinion="评审通过",
                             items={offshore.pk: {"amount": "200000.01"}, insurance.pk: {"amount": "38000"}})
    services.city_review(application=submitted, user=officer, decision="evaluate", opinion="评审通过",
                         items={offshore.pk: {"amount": "200000", "score": "88"},
                                insurance.pk: {"amount": "38000", "score": "80"}})
    submitted.refresh_from_db()
    assert submitted.state == "evaluated"
    plan = services.draft_plan(call=submitted.call, user=officer)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    plan = services.publish_plan(plan=plan, user=officer, start=date(2026, 12, 7))
    assert plan.state == "publicity" and plan.publicity_end == date(2026, 12, 11)  # 5 working days
    with pytest.raises(ValidationError):  # outside the notice period
        services.record_objection(plan=plan, user=officer, item_request=insurance, objector="王磊",
                                  contact="13800000000", facts="保费发票为2017年度。", received_on=date(2026, 12, 14))
    objection = services.record_objection(plan=plan, user=officer, item_request=insurance, objector="王磊",
                                          contact="13800000000", facts="保费发票为2017年度。",
                                          received_on=date(2026, 12, 8))
    with pytest.raises(ValidationError):  # the notice is still running
        services.submit_for_approval(plan=plan, user=officer)
    services.decide_objection(objection=objection, user=officer, upheld=True,
                              finding="经核查，保费发票不属于支持期间。")
    insurance.refresh_from_db()
    assert insurance.status == ItemRequest.Status.CANCELLED
    assert PlanObjection.objects.get().decision == "upheld"
    assert feiqi.notifications.filter(event="fund.item_cancelled").exists()
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 14, 9, 0, tzinfo=SHANGHAI))
    plan = services.submit_for_approval(plan=plan, user=officer)
    reply = SimpleUploadedFile("市政府批复.pdf", _pdf("reply"), content_type="application/pdf")
    services.record_approval(plan=plan, user=officer, document_number="珠府函〔2026〕88号",
                             document_date=date(2026, 12, 14), uploaded_file=reply)
    plan = services.issue_plan(plan=plan, user=officer, document_number="珠商〔2026〕120号",
                               document_date=date(2026, 12, 14))
    plan.refresh_from_db()
    submitted.refresh_from_db()
    assert plan.state == "issued" and submitted.state == "funded"
    from funds.selectors import plan_rows

    assert [(r.item.code, r.approved_amount) for r in plan_rows(plan.call)] == [("offshore", D("200000.00"))]
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"fund.district_approved", "fund.city_evaluated", "fund_plan.published", "fund_plan.objection_decided",
            "fund.item_cancelled", "fund_plan.approved", "fund_plan.issued", "fund.funded"} <= verbs


def test_plan_documents_are_gongwen_in_pdf_and_word(submitted, user_named, monkeypatch):
    import io

    import docx
    from django.utils import timezone
    from pypdf import PdfReader

    from funds.documents import plan_docx, plan_pdf

    xiangzhou, officer = user_named("district_xz"), user_named("zh_fund")
    services.district_review(application=submitted, user=xiangzhou, decision="approve", opinion="同意")
    offshore, insurance = sorted(submitted.item_requests.select_related("item"), key=lambda r: r.item.order)
    services.city_review(application=submitted, user=officer, decision="evaluate", opinion="评审通过",
                         items={offshore.pk: {"amount": "200000"}, insurance.pk: {"amount": "38000"}})
    plan = services.draft_plan(call=submitted.call, user=officer)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    plan = services.publish_plan(plan=plan, user=officer, start=date(2026, 12, 7))
    plan.document_number, plan.document_date = "珠商〔2026〕120号", date(2026, 12, 15)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(plan_pdf(plan))).pages)
    text = "".join(text.split())
    assert "珠海市商务局" in text and "珠商〔2026〕120号" in text, text
    assert "广东飞企互联科技股份有限公司" in text, text
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(plan_docx(plan))).paragraphs)
    assert "下达" in word and "珠商〔2026〕120号" in word and "2026年12月15日" in word


def test_district_opinion_is_required_and_nothing_changes(submitted, user_named):
    with pytest.raises(ValidationError):
        services.district_review(application=submitted, user=user_named("district_xz"), decision="approve", opinion="")
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_demo_load_is_idempotent(fund_call):
    first = fund_demo.load()
    second = fund_demo.load()
    assert first == second and second["items"] == 13
    assert Application.objects.filter(call=fund_call).count() == 1


def test_the_engine_offers_the_district_its_review(submitted, user_named):
    from portal.workflow import actions_for

    actions = actions_for(user_named("district_xz"), submitted)
    assert [a.url for a in actions] == [f"/funds/district/{submitted.pk}/"]
    assert actions_for(user_named("district_jw"), submitted) == []
    assert actions_for(user_named("zh_fund"), submitted) == []
