"""会同 means the named departments (issue 14 point 3, DOMAIN.md §2a).

Seed 000 三(三)/(四): “省商务厅会同省委网信办、省工业和信息化厅研究提出第二批候选省基地名单 …
经公示无异议或异议不成立的，由省商务厅会同省委网信办、省工业和信息化厅发文确定”.
Seed 001 三(三)/(四): “商务部会同中央网信办、工业和信息化部等部门研究提出 10 个左右候选基地名单 …
由商务部会同中央网信办、工业和信息化部等部门发文确定”.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import demo as demo_data
from applications import services as application_services
from portal.accounts.models import Membership, Organization, User
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from publicity import services
from publicity.models import Countersign, DesignatedBase, Designation
from review import services as review_services
from review.models import CandidateList
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.publicity.test_publicity import candidates, draft, frozen, officer, published  # noqa: F401

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _pdf(name="会签件.pdf"):
    return SimpleUploadedFile(name, demo_data._pdf(name), content_type="application/pdf")


@pytest.fixture
def closed(published, frozen):  # noqa: F811
    """The notice period over, no objection: the organiser can draft the designation document."""
    frozen(datetime(2026, 12, 31, 0, 1, tzinfo=SHANGHAI))
    assert services.close_due_notices() == 1
    frozen(datetime(2027, 1, 6, 10, 0, tzinfo=SHANGHAI))
    return published


@pytest.fixture
def drafted(closed, officer, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return services.designate(call=closed.call, user=officer, document_number="粤商务服字〔2027〕1号",
                                  document_date=date(2027, 1, 8))


def _proposed(call) -> CandidateList:
    candidate_list = CandidateList.objects.create(call=call, status="proposed")
    return candidate_list


def test_candidate_concurrence_needs_each_named_co_issuer_and_only_them(calls, user_named):  # noqa: F811
    """Seed 001 三(三): “商务部会同中央网信办、工业和信息化部等部门研究提出 10 个左右候选基地名单”. Another
    ministry's co-reviewer has no say; both named departments must concur."""
    national = calls[1]
    assert set(national.co_issuers.values_list("name", flat=True)) == {
        "中共中央网络安全和信息化委员会办公室", "中华人民共和国工业和信息化部"}
    candidate_list = _proposed(national)
    other = Organization.objects.create(name="中华人民共和国科学技术部", kind="ministry")
    outsider = User.objects.create(username="most_coreview")
    Membership.objects.create(user=outsider, organization=other, role="provincial_coreviewer")
    with pytest.raises(PermissionDenied):
        review_services.concur_candidates(call=national, user=outsider, stance="concur", opinion="同意")
    with pytest.raises(PermissionDenied):  # a provincial department is not a co-issuer of the national call
        review_services.concur_candidates(call=national, user=user_named("gd_cac"), stance="concur", opinion="同意")
    review_services.concur_candidates(call=national, user=user_named("cac_coreview"), stance="concur", opinion="同意")
    candidate_list.refresh_from_db()
    assert candidate_list.status == "proposed"  # the old rule let any two ministries concur
    review_services.concur_candidates(call=national, user=user_named("miit_coreview"), stance="concur",
                                      opinion="同意")
    candidate_list.refresh_from_db()
    assert candidate_list.status == "concurred"


def test_a_department_that_is_not_named_is_not_asked(gd_call, user_named):  # noqa: F811
    """Only the departments the call names concur: here the call names 省工信厅 alone."""
    gd_call.co_issuers.set([user_named("gd_miit").memberships.get().organization])
    candidate_list = _proposed(gd_call)
    with pytest.raises(PermissionDenied):
        review_services.concur_candidates(call=gd_call, user=user_named("gd_cac"), stance="concur", opinion="同意")
    review_services.concur_candidates(call=gd_call, user=user_named("gd_miit"), stance="concur", opinion="同意")
    candidate_list.refresh_from_db()
    assert candidate_list.status == "concurred"


def test_the_designation_document_needs_the_countersign_of_each_co_issuer_before_publishing(
        drafted, officer, user_named, frozen, django_capture_on_commit_callbacks):  # noqa: F811
    """Seed 000 三(四): “由省商务厅会同省委网信办、省工业和信息化厅发文确定为‘广东省数字服务出口基地’”."""
    assert drafted.status == Designation.Status.COUNTERSIGNING
    assert not DesignatedBase.objects.exists()
    # Each co-issuer is told a 会签 awaits it; the event is the hook for reminders.
    told = set(Notification.objects.filter(link=reverse("publicity:countersign", args=[drafted.call_id]))
               .values_list("recipient__username", flat=True))
    assert told == {"gd_cac", "gd_miit"}
    assert AuditEvent.objects.filter(verb="designation.countersign_requested").count() == 2
    # Not public while it awaits countersignature.
    assert Client().get(reverse("publicity:designation-document", args=[drafted.call_id, "pdf"])).status_code == 404
    with pytest.raises(ValidationError) as exc:
        services.publish_designation(designation=drafted, user=officer)
    assert exc.value.code == "countersign"
    assert "广东省工业和信息化厅" in exc.value.messages[0]
    services.countersign_designation(designation=drafted, user=user_named("gd_cac"), opinion="同意")
    with pytest.raises(ValidationError):  # one department signs once
        services.countersign_designation(designation=drafted, user=user_named("gd_cac"))
    with pytest.raises(PermissionDenied):  # a city department is not a co-issuer
        services.countersign_designation(designation=drafted, user=user_named("gz_cac"))
    with pytest.raises(ValidationError):
        services.publish_designation(designation=drafted, user=officer)
    # 省工信厅 signs on paper; the organiser records it with the scan (线下会签, audited).
    miit = user_named("gd_miit").memberships.get().organization
    countersign = services.record_offline_countersign(designation=drafted, user=officer, organization=miit,
                                                      signed_on=date(2027, 1, 5), scan=_pdf())
    assert countersign.mode == "offline" and countersign.scan_sha256 and countersign.scan.read()[:5] == b"%PDF-"
    event = AuditEvent.objects.get(verb="designation.countersigned_offline")
    assert event.actor == officer and event.data["sha256"] == countersign.scan_sha256
    assert event.organization == miit
    assert Notification.objects.filter(recipient=officer,
                                       link=reverse("publicity:manage-notice", args=[drafted.call_id])).exists()
    with django_capture_on_commit_callbacks(execute=True):
        designation = services.publish_designation(designation=drafted, user=officer)
    assert designation.is_published and DesignatedBase.objects.count() == 3
    published_event = AuditEvent.objects.get(verb="designation.published")
    assert set(published_event.data["countersigned_by"]) == {"中共广东省委网络安全和信息化委员会办公室",
                                                             "广东省工业和信息化厅"}
    assert Client().get(reverse("publicity:designation-document", args=[drafted.call_id, "pdf"])).status_code == 200


def test_an_offline_countersign_needs_a_real_scan_of_a_named_department(drafted, officer, user_named):  # noqa: F811
    """线下会签 is recorded by the organiser, with the scanned document, for a co-issuer only."""
    miit = user_named("gd_miit").memberships.get().organization
    city = user_named("gz_cac").memberships.get().organization
    fake = SimpleUploadedFile("会签件.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    cases = [
        ({"organization": miit, "signed_on": date(2027, 1, 5), "scan": fake}, "scan"),
        ({"organization": miit, "signed_on": date(2027, 1, 5), "scan": None}, "scan"),
        ({"organization": miit, "signed_on": date(2027, 2, 1), "scan": _pdf()}, "signed_on"),
        ({"organization": city, "signed_on": date(2027, 1, 5), "scan": _pdf()}, "organization"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.record_offline_countersign(designation=drafted, user=officer, **values)
        assert field in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        services.record_offline_countersign(designation=drafted, user=user_named("gd_cac"), organization=miit,
                                            signed_on=date(2027, 1, 5), scan=_pdf())
    assert not Countersign.objects.exists()


def test_the_co_issuer_countersigns_on_its_page_and_the_organiser_records_paper(drafted, client_for, user_named):
    call_pk = drafted.call_id
    url = reverse("publicity:countersign", args=[call_pk])
    assert client_for("gz_cac").get(url).status_code == 404
    cac = client_for("gd_cac")
    page = cac.get(url).content.decode()
    assert "粤商务服字〔2027〕1号" in page and 'data-signed="no"' in page
    workspace = cac.get(reverse("workspace-coreview")).content.decode()
    assert url in workspace  # the 会签 awaits it in its workspace
    assert cac.post(url, {"opinion": "同意发文"}).status_code == 302
    assert Countersign.objects.get().signed_by.username == "gd_cac"
    assert url not in cac.get(reverse("workspace-coreview")).content.decode()
    organiser = client_for("gd_officer")
    offline = reverse("publicity:designation-offline", args=[call_pk])
    miit = user_named("gd_miit").memberships.get().organization
    fake = SimpleUploadedFile("会签件.pdf", b"MZ\x90\x00", content_type="application/pdf")
    bad = organiser.post(offline, {"organization": miit.pk, "signed_on": "2027-01-05", "scan": fake})
    assert bad.status_code == 400 and "会签件.pdf" in bad.content.decode()
    ok = organiser.post(offline, {"organization": miit.pk, "signed_on": "2027-01-05", "scan": _pdf("工信厅会签.pdf")})
    assert ok.status_code == 302
    scan = Countersign.objects.get(mode="offline")
    download = organiser.get(reverse("publicity:countersign-scan", args=[call_pk, scan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"
    assert AuditEvent.objects.filter(verb="designation.scan_downloaded", actor__username="gd_officer").exists()
    assert client_for("gz_cac").get(reverse("publicity:countersign-scan", args=[call_pk, scan.pk])).status_code == 404
    manage = organiser.get(reverse("publicity:manage-notice", args=[call_pk])).content.decode()
    assert manage.count('data-signed="online"') == 1 and manage.count('data-signed="offline"') == 1
    assert organiser.post(reverse("publicity:designation-publish", args=[call_pk])).status_code == 302
    assert Designation.objects.get().is_published


def test_a_call_names_only_its_own_province_departments_as_co_issuers(gd_call, user_named, officer):  # noqa: F811
    ministry = Organization.objects.get(name="中华人民共和国工业和信息化部")
    for org in (ministry, gd_call.organiser):
        with pytest.raises(ValidationError) as exc:
            application_services.save_call(user=officer, call=gd_call, thresholds=[], co_issuers=[org])
        assert "co_issuers" in exc.value.error_dict
    assert gd_call.co_issuers.count() == 2
