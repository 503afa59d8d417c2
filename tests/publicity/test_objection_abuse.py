"""The objection form under abuse: 不予受理, upload caps, captcha, non-mainland identities, letters, stored
receipts."""

import re
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import demo as demo_data
from portal.audit.models import AuditEvent
from publicity import services
from publicity.models import Designation, Notice, Objection
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.publicity.test_publicity import (  # noqa: F401
    SHANGHAI,
    _objection_data,
    candidates,
    draft,
    frozen,
    officer,
    published,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_notice(published, frozen):  # noqa: F811
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    return published


def _file(notice, ip="10.0.0.1", **overrides):
    data = _objection_data(notice, **overrides)
    item = notice.items.get(pk=data.pop("item"))
    return services.submit_objection(notice=notice, item=item, values=data, files=[], ip=ip)


def _officer_client(user_named, name="gd_officer"):
    c = Client()
    c.force_login(user_named(name))
    return c


def _pdf(name: str, size_kb: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_data._pdf("x" * (size_kb * 1024)), content_type="application/pdf")


# --- 不予受理 ----------------------------------------------------------------------------------------

def test_one_objection_not_accepted_with_its_reason(open_notice, user_named, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    objection = _file(open_notice)
    url = reverse("publicity:objection-manage", args=[objection.pk])
    c = _officer_client(user_named)
    bad = c.post(url, {"_action": "not_accept", "reason": "", "explanation": "x"})
    assert bad.status_code == 400 and Objection.objects.get(pk=objection.pk).status == "received"
    with django_capture_on_commit_callbacks(execute=True):
        done = c.post(url, {"_action": "not_accept", "reason": "false_identity",
                            "explanation": "经核实，异议人提供的身份信息与本人不符。"})
    assert done.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.outcome, objection.not_accepted_reason) == (
        "decided", "not_accepted", "false_identity")
    assert AuditEvent.objects.filter(verb="objection.not_accepted", target_id=str(objection.pk),
                                     data__reason="false_identity").exists()
    assert "不予受理（身份不实）" in mailoutbox[-1].body
    page = c.get(url).content.decode()
    assert "不予受理（身份不实）" in page


def test_bulk_not_accepted_and_designation_is_not_blocked(open_notice, officer, user_named, frozen):  # noqa: F811
    first, second = _file(open_notice), _file(open_notice, phone="13900139000")
    third = _file(open_notice, phone="13700137000")
    c = _officer_client(user_named)
    url = reverse("publicity:objections-not-accept", args=[open_notice.call_id])
    empty = c.post(url, {"reason": "duplicate", "explanation": "与此前已受理的异议内容相同，不再重复受理。"})
    assert empty.status_code == 400 and not Objection.objects.filter(status="decided").exists()
    response = c.post(url, {"reason": "duplicate", "explanation": "与此前已受理的异议内容相同，不再重复受理。",
                            "objections": [first.pk, second.pk]})
    assert response.status_code == 302
    assert set(Objection.objects.filter(outcome="not_accepted").values_list("pk", flat=True)) == {first.pk, second.pk}
    assert AuditEvent.objects.filter(verb="objection.not_accepted", data__bulk=True).count() == 2
    # Someone else cannot; an already decided one cannot be decided again.
    with pytest.raises(ValidationError):
        services.not_accept_objections(notice=open_notice, objection_ids=[first.pk], user=officer,
                                       reason="duplicate", explanation="再次处理这一件异议的说明。")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.not_accept_objections(notice=open_notice, objection_ids=[third.pk], user=user_named("city_gz"),
                                       reason="duplicate", explanation="无权处理的人员提交的说明。")
    # After the window: the third one, still open, blocks; once not accepted, designation goes ahead.
    frozen(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI))
    services.close_due_notices()
    with pytest.raises(ValidationError) as exc:
        services.designate(call=open_notice.call, user=officer, document_number="粤商务服字〔2027〕1号",
                           document_date=date(2027, 1, 5))
    assert exc.value.code == "undecided"
    services.not_accept_objections(notice=open_notice, objection_ids=[third.pk], user=officer,
                                   reason="out_of_scope", explanation="所提事项不属于本次公示异议范围。")
    services.designate(call=open_notice.call, user=officer, document_number="粤商务服字〔2027〕1号",
                       document_date=date(2027, 1, 5))
    assert Designation.objects.filter(call=open_notice.call).exists()


# --- upload caps ---------------------------------------------------------------------------------

def test_the_total_upload_per_objection_is_capped(open_notice, settings):
    assert settings.OBJECTION_MAX_TOTAL_MB == 30
    settings.OBJECTION_MAX_TOTAL_MB = 1
    response = Client().post(reverse("publicity:object", args=[open_notice.pk]), {
        **_objection_data(open_notice), "files": [_pdf("一.pdf", 600), _pdf("二.pdf", 600)]})
    assert response.status_code == 400
    assert "1 MB" in str(response.context["form"].errors["files"])
    assert not Objection.objects.exists()
    assert response.context["form"]["facts"].value().startswith("该园区")  # what was typed is kept


def test_a_notice_takes_a_capped_volume_of_files_per_day(open_notice, settings, frozen):  # noqa: F811
    settings.OBJECTION_MAX_DAILY_MB_PER_NOTICE = 1
    url = reverse("publicity:object", args=[open_notice.pk])
    first = Client().post(url, {**_objection_data(open_notice), "files": [_pdf("一.pdf", 600)]})
    assert first.status_code == 302
    second = Client().post(url, {**_objection_data(open_notice, phone="13900139000"), "files": [_pdf("二.pdf", 600)]})
    assert second.status_code == 400 and "1 MB" in str(second.context["form"].errors["files"])
    assert Objection.objects.count() == 1
    # Without files the objection is still accepted; the next day the files are too.
    assert Client().post(url, _objection_data(open_notice, phone="13700137000")).status_code == 302
    frozen(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    assert Client().post(url, {**_objection_data(open_notice, phone="13600136000"),
                               "files": [_pdf("三.pdf", 600)]}).status_code == 302


# --- captcha after three objections from one address -------------------------------------------

CN_DIGITS = "零一二三四五六七八九十"


def _arithmetic_answer(page: str) -> str:
    match = re.search(r"([一二三四五六七八九])加([一二三四五六七八九])等于多少", page)
    return str(CN_DIGITS.index(match.group(1)) + CN_DIGITS.index(match.group(2)))


def _form_value(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def test_the_fourth_objection_from_an_address_in_an_hour_needs_a_captcha(open_notice):
    from captcha.models import CaptchaStore

    url = reverse("publicity:object", args=[open_notice.pk])
    c = Client(REMOTE_ADDR="10.7.7.7")
    assert 'data-testid="human-check"' not in c.get(url).content.decode()
    for i in range(3):
        assert c.post(url, _objection_data(open_notice, phone=f"1390013900{i}")).status_code == 302
    page = c.get(url).content.decode()
    assert 'data-testid="human-check"' in page and "换一张" in page and "等于多少" in page
    # Another address is not asked.
    assert 'data-testid="human-check"' not in Client(REMOTE_ADDR="10.7.7.8").get(url).content.decode()
    # Without an answer: refused, nothing stored, what was typed kept.
    missing = c.post(url, _objection_data(open_notice, phone="13900139005"))
    assert missing.status_code == 400 and Objection.objects.count() == 3
    assert "请输入图片中的字符，或回答算术题" in missing.content.decode()
    # A wrong image answer: refused.
    page = c.get(url).content.decode()
    wrong = c.post(url, {**_objection_data(open_notice, phone="13900139005"),
                         "captcha_0": _form_value(page, "captcha_0"), "captcha_1": "zzzz"})
    assert wrong.status_code == 400 and Objection.objects.count() == 3
    # The image answered: accepted.
    page = c.get(url).content.decode()
    key = _form_value(page, "captcha_0")
    answer = CaptchaStore.objects.get(hashkey=key).response
    ok = c.post(url, {**_objection_data(open_notice, phone="13900139005"), "captcha_0": key, "captcha_1": answer})
    assert ok.status_code == 302 and Objection.objects.count() == 4
    # The text alternative: the arithmetic question, once only.
    page = c.get(url).content.decode()
    data = {**_objection_data(open_notice, phone="13900139006"), "captcha_0": _form_value(page, "captcha_0"),
            "arithmetic_token": _form_value(page, "arithmetic_token"), "arithmetic_answer": _arithmetic_answer(page)}
    assert c.post(url, data).status_code == 302 and Objection.objects.count() == 5
    replay = c.post(url, {**data, "phone": "13900139007"})
    assert replay.status_code == 400 and Objection.objects.count() == 5


def test_the_service_itself_refuses_without_the_check(open_notice):
    for i in range(3):
        _file(open_notice, ip="10.8.8.8", phone=f"1390013900{i}")
    with pytest.raises(ValidationError) as exc:
        _file(open_notice, ip="10.8.8.8", phone="13900139009")
    assert exc.value.error_dict["captcha"][0].code == "captcha"


def test_the_captcha_image_and_its_refresh_are_served(db):
    c = Client()
    assert c.get(reverse("captcha-refresh")).status_code == 404  # only for the page's script
    data = c.get(reverse("captcha-refresh"), headers={"x-requested-with": "XMLHttpRequest"}).json()
    assert data["key"] and data["image_url"]
    image = c.get(data["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


# --- people without a mainland ID ----------------------------------------------------------------

@pytest.mark.parametrize(("id_type", "number", "stored"), [
    ("hk_macao_permit", "h1234 5678", "H12345678"),
    ("hk_macao_permit", "M1234567890", "M1234567890"),
    ("taiwan_permit", "12345678", "12345678"),
    ("passport", "E12345678", "E12345678"),
    ("passport", "X1234567A", "X1234567A"),
    ("resident_id", "11010519491231002X", "11010519491231002X"),
    ("credit_code", "91350100M000100Y43", "91350100M000100Y43"),
])
def test_identity_documents_of_each_type_are_accepted(open_notice, id_type, number, stored):
    response = Client().post(reverse("publicity:object", args=[open_notice.pk]), _objection_data(
        open_notice, id_type=id_type, id_number=number, phone="+852 9123 4567"))
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.id_type, objection.id_number, objection.phone) == (id_type, stored, "+85291234567")
    assert services.find_objection(tracking_code=objection.tracking_code, phone="+852 9123-4567") == objection


@pytest.mark.parametrize(("id_type", "number", "message"), [
    ("hk_macao_permit", "12345678", "H或M加8位"),
    ("taiwan_permit", "H12345678", "8位（或10位）数字"),
    ("passport", "ABCDEFG", "5至17位"),
    ("resident_id", "H12345678", "居民身份证号码"),
    ("credit_code", "11010519491231002X", "统一社会信用代码不正确"),
])
def test_each_type_has_its_format(open_notice, id_type, number, message):
    response = Client().post(reverse("publicity:object", args=[open_notice.pk]), _objection_data(
        open_notice, id_type=id_type, id_number=number))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["id_number"])
    assert not Objection.objects.exists()


@pytest.mark.parametrize(("phone", "ok"), [
    ("+8613800138000", "13800138000"), ("+1 415 555 0100", "+14155550100"), ("00853 6612 3456", "+85366123456"),
    ("+852 12", None), ("12345", None), ("+86 12345678901", None),
])
def test_phones_with_a_country_code(phone, ok):
    from portal.accounts.validators import normalize_mobile

    if ok is None:
        with pytest.raises(ValidationError):
            normalize_mobile(phone)
    else:
        assert normalize_mobile(phone) == ok


# --- letters -------------------------------------------------------------------------------------

def _letter(notice, **overrides):
    data = {"item": notice.items.first().pk, "name": "陈国华", "organization": "", "id_type": "taiwan_permit",
            "id_number": "87654321", "phone": "", "email": "", "postal_address": "台北市信义区某路1号",
            "postmarked_on": "2026-12-28", "facts": "来函反映该园区申报材料中的企业数量与实际不符，请予核查。",
            "scans": [SimpleUploadedFile("来函扫描件.pdf", demo_data._pdf("letter"), content_type="application/pdf")]}
    data.update(overrides)
    return data


def test_the_officer_registers_a_letter_with_its_scan(open_notice, user_named, frozen):  # noqa: F811
    frozen(datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI))  # after the window: the postmark is what counts
    c = _officer_client(user_named)
    url = reverse("publicity:postal-objection", args=[open_notice.call_id])
    assert c.get(url).status_code == 200
    late = c.post(url, _letter(open_notice, postmarked_on="2026-12-31"))
    assert late.status_code == 400 and "邮戳日期须在公示期内" in late.content.decode()
    no_scan = c.post(url, {k: v for k, v in _letter(open_notice).items() if k != "scans"})
    assert no_scan.status_code == 400 and not Objection.objects.exists()
    response = c.post(url, _letter(open_notice))
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.channel, objection.status, objection.registered_by.username) == ("post", "registered",
                                                                                      "gd_officer")
    assert objection.postmarked_on == date(2026, 12, 28) and objection.files.get().original_name == "来函扫描件.pdf"
    assert objection.id_number == "87654321" and objection.email == ""
    assert AuditEvent.objects.filter(verb="objection.postal_registered", target_id=str(objection.pk)).exists()
    page = c.get(response["Location"]).content.decode()
    assert 'data-testid="postal"' in page and "书面来函" in page
    listing = c.get(reverse("publicity:manage-notice", args=[open_notice.call_id])).content.decode()
    assert "书面来函" in listing
    # Nobody else may.
    assert _officer_client(user_named, "city_gz").post(url, _letter(open_notice)).status_code == 404
    assert Objection.objects.count() == 1


def test_a_letter_is_refused_on_a_withdrawn_notice(open_notice, officer):  # noqa: F811
    services.withdraw_notice(notice=open_notice, user=officer, reason="候选名单需重新核实")
    notice = Notice.objects.get(pk=open_notice.pk)
    with pytest.raises(ValidationError):
        services.register_postal_objection(notice=notice, item=notice.items.first(), values={"name": "陈国华"},
                                           postmarked_on=date(2026, 12, 28), scans=[_pdf("a.pdf", 1)], user=officer)


# --- the receipt ---------------------------------------------------------------------------------

def test_the_receipt_pdf_is_rendered_once_and_stored(open_notice, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = Client()
    response = c.post(reverse("publicity:object", args=[open_notice.pk]), _objection_data(open_notice))
    objection = Objection.objects.get()
    url = reverse("publicity:objection-receipt-pdf", args=[objection.tracking_code])
    first = c.get(url)
    assert response.status_code == 302 and first.status_code == 200 and first.content.startswith(b"%PDF")
    objection.refresh_from_db()
    assert objection.receipt_pdf and (tmp_path / objection.receipt_pdf.name).read_bytes() == first.content

    from publicity import documents

    def no_second_rendering(_objection):
        raise AssertionError("rendered again")

    monkeypatch.setattr(documents, "receipt_pdf", no_second_rendering)
    second = c.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert AuditEvent.objects.filter(verb="objection.receipt_stored").count() == 1
