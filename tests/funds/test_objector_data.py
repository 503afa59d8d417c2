"""The online objectors' ID and phone numbers of the fund's plan, as the bases' are: revealed to the officers of the
call's organiser only, each time audited; erased by the bases' purge OBJECTOR_DATA_RETENTION_YEARS after the plan is
issued; and the objector's look-up of the status by tracking code and phone number, with the same limits."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.demo import _pdf
from funds import services
from funds.models import PlanObjection
from portal.audit.models import AuditEvent
from publicity import services as publicity_services
from tests.funds.test_public_objection import ID_NUMBER, SHANGHAI, on_notice  # noqa: F401

pytestmark = pytest.mark.django_db
PHONE = "13800138000"
OTHER_ID, OTHER_PHONE = "440106199001011234", "13912345678"


def _file(plan, item_request, **overrides) -> PlanObjection:
    values = {"name": "王磊", "id_type": "resident_id", "id_number": ID_NUMBER, "phone": PHONE,
              "email": "wanglei@example.com", "facts": "该企业申报的出口信保保险费发票开具于2017年，请予核查。"}
    values.update(overrides)
    return services.file_objection(plan=plan, item_request=item_request, values=values)


def _at(on_notice, *moment):  # noqa: F811
    on_notice["monkeypatch"].setattr(timezone, "now", lambda: datetime(*moment, 9, 0, tzinfo=SHANGHAI))


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _revealed():
    return AuditEvent.objects.filter(verb="objection.personal_data_revealed")


# --- reveal --------------------------------------------------------------------------------------

def test_the_officer_sees_masked_numbers_and_reveals_them_with_an_audit_event(on_notice, user_named):  # noqa: F811
    plan, call, officer = on_notice["plan"], on_notice["call"], on_notice["officer"]
    objection = _file(plan, on_notice["insurance"])
    staff = _signed_in(officer)
    page = staff.get(reverse("funds:plan", args=[call.pk])).content.decode()
    assert "110105********002X" in page and "138****8000" in page
    assert ID_NUMBER not in page and PHONE not in page
    assert reverse("funds:objection-reveal", args=[objection.pk]) in page
    assert not _revealed().exists()

    response = staff.post(reverse("funds:objection-reveal", args=[objection.pk]))
    assert response.status_code == 200
    shown = response.content.decode()
    assert ID_NUMBER in shown and PHONE in shown
    event = _revealed().get()
    assert event.actor == officer and event.target_id == str(objection.pk)
    assert event.organization_id == call.organiser_id
    staff.post(reverse("funds:objection-reveal", args=[objection.pk]))
    assert _revealed().count() == 2  # each time
    again = staff.get(reverse("funds:plan", args=[call.pk])).content.decode()
    assert ID_NUMBER not in again and PHONE not in again  # masked again on the next page


@pytest.mark.parametrize("username", ["district_xz", "ent_feiqi", "gd_officer", "city_gz"])
def test_only_the_organisers_officers_may_reveal(on_notice, user_named, username):  # noqa: F811
    objection = _file(on_notice["plan"], on_notice["insurance"])
    url = reverse("funds:objection-reveal", args=[objection.pk])
    response = _signed_in(user_named(username)).post(url)
    assert response.status_code == 404
    assert ID_NUMBER not in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.reveal_objector_data(objection=objection, user=user_named(username))
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert _signed_in(on_notice["officer"]).get(url).status_code == 405  # a POST only
    assert not _revealed().exists()


def test_a_written_objection_has_nothing_to_reveal(on_notice):  # noqa: F811
    plan, officer = on_notice["plan"], on_notice["officer"]
    written = services.record_objection(plan=plan, user=officer, item_request=on_notice["insurance"],
                                        objector="王磊", contact="珠海市香洲区某路1号", facts="保费发票为2017年度。",
                                        received_on=date(2026, 12, 8))
    response = _signed_in(officer).post(reverse("funds:objection-reveal", args=[written.pk]))
    assert response.status_code == 400
    assert "没有可显示" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.reveal_objector_data(objection=written, user=officer)
    assert refused.value.code == "nothing"
    assert not _revealed().exists()


# --- retention -----------------------------------------------------------------------------------

def _through_the_notice(on_notice):  # noqa: F811
    """Two objections filed online and one in writing, all verified; the plan submitted and approved (not issued)."""
    plan, officer, insurance = on_notice["plan"], on_notice["officer"], on_notice["insurance"]
    first = _file(plan, insurance)
    second = _file(plan, insurance, name="李娜", id_number=OTHER_ID, phone=OTHER_PHONE, email="")
    written = services.record_objection(plan=plan, user=officer, item_request=insurance, objector="赵敏",
                                        contact="13700137000", facts="保费发票为2017年度。",
                                        received_on=date(2026, 12, 8))
    for objection in (first, second, written):
        services.decide_objection(objection=objection, user=officer, upheld=False, finding="经核查，情况不属实。")
    _at(on_notice, 2026, 12, 14)
    services.submit_for_approval(plan=plan, user=officer)
    services.record_approval(plan=plan, user=officer, document_number="珠府函〔2026〕88号",
                             document_date=date(2026, 12, 14),
                             uploaded_file=SimpleUploadedFile("批复.pdf", _pdf("reply"),
                                                              content_type="application/pdf"))
    return first, second, written


def _issue(on_notice):  # noqa: F811
    _at(on_notice, 2026, 12, 15)
    services.issue_plan(plan=on_notice["plan"], user=on_notice["officer"], document_number="珠商〔2026〕120号",
                        document_date=date(2026, 12, 15))


def test_the_bases_purge_erases_the_fund_objectors_numbers_when_due_and_only_then(on_notice, settings):  # noqa: F811
    from publicity.tasks import purge_objector_data

    plan = on_notice["plan"]
    first, second, written = _through_the_notice(on_notice)
    assert settings.OBJECTOR_DATA_RETENTION_YEARS == 3
    _at(on_notice, 2035, 1, 1)  # long after, but the plan is not issued: kept (as a notice never designated)
    assert publicity_services.purge_objector_data() == 0
    _issue(on_notice)
    _at(on_notice, 2029, 12, 14)  # the day before the third anniversary of the plan's document
    assert purge_objector_data.delay().get() == 0
    assert PlanObjection.objects.get(pk=first.pk).id_number == ID_NUMBER
    assert not AuditEvent.objects.filter(verb="objection.personal_data_purged").exists()

    _at(on_notice, 2029, 12, 15)
    assert purge_objector_data.delay().get() == 2
    for objection in (first, second):
        purged = PlanObjection.objects.get(pk=objection.pk)
        assert purged.id_number == "" and purged.phone == "" and purged.personal_data_purged_at is not None
        assert purged.id_number_hash == "" and purged.phone_hash == ""
        assert purged.facts and purged.objector and purged.finding  # the objection itself stays
    kept = PlanObjection.objects.get(pk=written.pk)  # no numbers of its own: left as it is
    assert kept.personal_data_purged_at is None and kept.contact == "13700137000"
    event = AuditEvent.objects.get(verb="objection.personal_data_purged")
    assert event.target_id == str(plan.pk) and event.organization_id == on_notice["call"].organiser_id
    assert event.data == {"objections": 2, "cutoff": "2026-12-15"}
    assert publicity_services.purge_objector_data() == 0  # once
    assert AuditEvent.objects.filter(verb="objection.personal_data_purged").count() == 1


def test_after_the_purge_nothing_is_revealed_nor_found(on_notice):  # noqa: F811
    call, officer = on_notice["call"], on_notice["officer"]
    first, _second, _written = _through_the_notice(on_notice)
    _issue(on_notice)
    _at(on_notice, 2029, 12, 15)
    assert publicity_services.purge_objector_data() == 2
    staff = _signed_in(officer)
    page = staff.get(reverse("funds:plan", args=[call.pk])).content.decode()
    assert "删除（保存期限届满）" in page and reverse("funds:objection-reveal", args=[first.pk]) not in page
    assert staff.post(reverse("funds:objection-reveal", args=[first.pk])).status_code == 400
    assert not _revealed().exists()
    response = Client().post(reverse("funds:objection-status", args=[call.pk]),
                             {"tracking_code": first.tracking_code, "phone": PHONE})
    assert response.status_code == 404


# --- the objector's look-up ----------------------------------------------------------------------

def test_the_objector_looks_up_the_status_and_then_the_finding(on_notice):  # noqa: F811
    plan, call, officer = on_notice["plan"], on_notice["call"], on_notice["officer"]
    mine = _file(plan, on_notice["insurance"])
    theirs = _file(plan, on_notice["insurance"], name="李娜", id_number=OTHER_ID, phone=OTHER_PHONE, email="",
                   facts="另一位异议人的事实与理由陈述。")
    url = reverse("funds:objection-status", args=[call.pk])
    receipt_page = Client().get(url)
    assert receipt_page.status_code == 200
    response = Client().post(url, {"tracking_code": mine.tracking_code.lower(), "phone": "138 0013 8000"})
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.tracking_code in page and "核查中" in page and 'data-testid="finding"' not in page
    for private in (ID_NUMBER, PHONE, "wanglei@example.com", theirs.tracking_code, OTHER_PHONE, theirs.facts):
        assert private not in page

    finding = "经核查，保费发票不属于支持期间，情况属实。"
    services.decide_objection(objection=mine, user=officer, upheld=True, finding=finding)
    page = Client().post(url, {"tracking_code": mine.tracking_code, "phone": PHONE}).content.decode()
    assert finding in page and 'data-testid="finding"' in page

    # another person's code with my phone, my code with another phone: nothing
    for code, phone in ((theirs.tracking_code, PHONE), (mine.tracking_code, OTHER_PHONE)):
        refused = Client().post(url, {"tracking_code": code, "phone": phone})
        assert refused.status_code == 404
        assert "未找到与该受理编号和手机号码相符的异议" in refused.content.decode()
        assert 'data-testid="status-result"' not in refused.content.decode()


def test_the_receipt_leads_to_the_look_up(on_notice):  # noqa: F811
    call = on_notice["call"]
    public = Client()
    response = public.post(reverse("funds:notice-object", args=[call.pk]), {
        "item_request": on_notice["insurance"].pk, "name": "王磊", "id_type": "resident_id", "id_number": ID_NUMBER,
        "phone": PHONE, "email": "", "facts": "该企业申报的出口信保保险费发票开具于2017年，请予核查。"})
    receipt = public.get(response["Location"]).content.decode()
    assert reverse("funds:objection-status", args=[call.pk]) in receipt
    assert reverse("funds:objection-status", args=[call.pk]) in public.get(
        reverse("funds:notice", args=[call.pk])).content.decode()


def test_a_look_up_with_bad_input_says_so_beside_the_field(on_notice):  # noqa: F811
    call = on_notice["call"]
    mine = _file(on_notice["plan"], on_notice["insurance"])
    url = reverse("funds:objection-status", args=[call.pk])
    response = Client().post(url, {"tracking_code": "", "phone": PHONE})
    assert response.status_code == 400 and response.context["form"].errors["tracking_code"]
    assert 'id="id_tracking_code_error" class="invalid-feedback"' in response.content.decode()
    response = Client().post(url, {"tracking_code": mine.tracking_code, "phone": ""})
    assert response.status_code == 400 and response.context["form"].errors["phone"]
    assert 'data-testid="status-result"' not in response.content.decode()
    assert PlanObjection.objects.get(pk=mine.pk).decision == PlanObjection.Decision.PENDING  # nothing changed


def test_look_ups_are_limited_per_network(on_notice, settings):  # noqa: F811
    call = on_notice["call"]
    mine = _file(on_notice["plan"], on_notice["insurance"])
    settings.OBJECTION_RATE_LIMITS = {**settings.OBJECTION_RATE_LIMITS, "status_per_ip_per_hour": 2}
    url = reverse("funds:objection-status", args=[call.pk])
    assert Client().post(url, {"tracking_code": "YY-AAAA-BBBB-CCCC", "phone": PHONE}).status_code == 404
    assert Client().post(url, {"tracking_code": mine.tracking_code, "phone": PHONE}).status_code == 200
    limited = Client().post(url, {"tracking_code": mine.tracking_code, "phone": PHONE})
    assert limited.status_code == 429 and "分钟" in limited.content.decode()
    assert 'data-testid="status-result"' not in limited.content.decode()
    # the bases' status page counts against the same limit
    assert Client().post(reverse("publicity:objection-status"),
                         {"tracking_code": mine.tracking_code, "phone": PHONE}).status_code == 429


def test_the_look_up_is_the_plans_own(on_notice):  # noqa: F811
    """A tracking code of the fund's plan is not found on the bases' status page, nor a plan's on another call's."""
    call = on_notice["call"]
    mine = _file(on_notice["plan"], on_notice["insurance"])
    assert Client().post(reverse("publicity:objection-status"),
                         {"tracking_code": mine.tracking_code, "phone": PHONE}).status_code == 404
    assert Client().get(reverse("funds:objection-status", args=[call.pk + 1000])).status_code == 404
