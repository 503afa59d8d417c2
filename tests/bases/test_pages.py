"""The pages: the public directory with status and history (cached, bumped on a change, revoked bases listed), the
organiser's status decision, the report pages for the park, the city and the organiser; query budgets."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bases import services
from bases.models import AnnualReport, BaseStatusChange, ReportingPeriod
from portal.accounts.models import Organization, User
from publicity.models import DesignatedBase
from tests.bases.conftest import FIGURES, NARRATIVE, make_base, pdf
from tests.test_query_budgets import _assert_constant, count, paginated

pytestmark = pytest.mark.django_db
S = DesignatedBase.Status


def _rectify(base, user, **kw):
    today = timezone.localdate()
    return services.change_base_status(base=base, status=S.RECTIFICATION, user=user,
                                       document_number="粤商务服字〔2026〕30号", document_date=today,
                                       deadline=today + timedelta(days=90),
                                       reason="复审发现数字服务出口统计不规范。", **kw)


def test_the_directory_shows_status_and_a_change_is_seen_at_once(base, user_named, django_capture_on_commit_callbacks):
    anonymous = Client()
    first = anonymous.get(reverse("bases")).content.decode()
    assert f'data-base="{base.pk}" data-status="active"' in first and "在册" in first
    with django_capture_on_commit_callbacks(execute=True):
        _rectify(base, user_named("gd_officer"))
    page = anonymous.get(reverse("bases")).content.decode()  # the cached page is not served again
    assert f'data-base="{base.pk}" data-status="rectification"' in page
    assert "限期整改" in page and "粤商务服字〔2026〕30号" in page
    with django_capture_on_commit_callbacks(execute=True):
        services.change_base_status(base=base, status=S.REVOKED, user=user_named("gd_officer"),
                                    document_number="粤商务服字〔2026〕40号", document_date=timezone.localdate(),
                                    reason="整改期满仍不合格。")
    page = anonymous.get(reverse("bases")).content.decode()
    assert f'data-base="{base.pk}" data-status="revoked"' in page and base.name in page  # still listed, as revoked
    detail = anonymous.get(reverse("bases:base", args=[base.pk])).content.decode()
    assert "粤商务服字〔2026〕30号" in detail and "粤商务服字〔2026〕40号" in detail and "整改期满仍不合格" in detail
    assert "变更状态" not in detail


def test_the_directory_filters_by_level_province_city_year_and_status(demo, user_named):
    gz = make_base()
    sz = make_base("深圳市南山软件产业基地管理服务中心", city="深圳市", year=2025)
    national = make_base(None, "中华人民共和国商务部", name="中关村软件园", level=DesignatedBase.Level.NATIONAL,
                         city="北京市")
    DesignatedBase.objects.filter(pk=national.pk).update(province="北京市")
    _rectify(sz, user_named("gd_officer"))

    def names(**query):
        return {b.name for b in Client().get(reverse("bases"), query).context["bases"]}

    assert names(status="rectification") == {sz.name}
    assert names(status="active") == {gz.name, national.name}
    assert names(city="深圳市") == {sz.name}
    assert names(province="北京市") == {national.name}
    assert names(year="2025") == {sz.name}
    assert names(level="national") == {national.name}
    assert Client().get(reverse("bases"), {"status": "nonsense"}).status_code == 400


def test_the_organiser_changes_status_on_the_page(base, client_for):
    officer = client_for("gd_officer")
    detail = officer.get(reverse("bases:base", args=[base.pk])).content.decode()
    assert reverse("bases:change-status", args=[base.pk]) in detail
    url = reverse("bases:change-status", args=[base.pk])
    bad = officer.post(url, {"status": "rectification", "document_number": "粤商务服字〔2026〕30号",
                             "document_date": timezone.localdate().isoformat(), "reason": "理由"})
    assert bad.status_code == 400 and "请填写整改期限" in bad.content.decode()
    base.refresh_from_db()
    assert base.status == S.ACTIVE
    deadline = timezone.localdate() + timedelta(days=60)
    ok = officer.post(url, {"status": "rectification", "document_number": "粤商务服字〔2026〕30号",
                            "document_date": timezone.localdate().isoformat(), "deadline": deadline.isoformat(),
                            "reason": "复审不合格。", "document_file": pdf()})
    assert ok.status_code == 302
    base.refresh_from_db()
    assert base.status == S.RECTIFICATION and base.status_deadline == deadline
    change = BaseStatusChange.objects.get()
    document = reverse("bases:status-document", args=[change.pk])
    assert client_for("park_huangpu").get(document).status_code == 200
    assert client_for("city_gz").get(document).status_code == 200
    for outsider in ("park_pazhou", "city_sz", "mofcom_officer"):
        assert client_for(outsider).get(document).status_code == 404
    assert Client().get(document).status_code == 302


def test_a_revoked_base_offers_no_change(base, client_for, user_named):
    services.change_base_status(base=base, status=S.REVOKED, user=user_named("gd_officer"), document_number="文1",
                                document_date=timezone.localdate(), reason="撤销。")
    officer = client_for("gd_officer")
    assert "变更状态" not in officer.get(reverse("bases:base", args=[base.pk])).content.decode()
    assert officer.get(reverse("bases:change-status", args=[base.pk])).status_code == 302


@pytest.fixture
def period(base, user_named):
    today = timezone.localdate()
    return services.open_reporting_period(organiser=Organization.objects.get(name="广东省商务厅"), year=today.year - 1,
                                          deadline=today + timedelta(days=30), user=user_named("gd_officer"))


def test_the_organiser_opens_a_period_on_the_page(base, client_for):
    officer = client_for("gd_officer")
    page = officer.get(reverse("bases:open-period"))
    assert page.status_code == 200 and "发起报送" in page.content.decode()
    gd = Organization.objects.get(name="广东省商务厅")
    bad = officer.post(reverse("bases:open-period"), {"organiser": gd.pk, "year": 2025, "deadline": "2020-01-01"})
    assert bad.status_code == 400 and "截止日期不能早于今天" in bad.content.decode()
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    mofcom = Organization.objects.get(name="中华人民共和国商务部")
    foreign = officer.post(reverse("bases:open-period"), {"organiser": mofcom.pk, "year": 2025, "deadline": deadline})
    assert foreign.status_code == 400 and not ReportingPeriod.objects.exists()  # not a choice for this officer
    ok = officer.post(reverse("bases:open-period"), {"organiser": gd.pk, "year": 2025, "deadline": deadline})
    assert ok.status_code == 302 and AnnualReport.objects.filter(base=base).count() == 1


def test_the_park_fills_in_and_submits_on_the_page(period, base, client_for):
    report = AnnualReport.objects.get(base=base)
    park = client_for("park_huangpu")
    url = reverse("bases:report", args=[report.pk])
    page = park.get(url).content.decode()
    assert "保存并提交" in page and 'name="total_output"' in page
    assert park.post(reverse("bases:autosave", args=[report.pk]), {"narrative": "正在写"}).status_code == 200
    assert "正在写" in park.get(url).content.decode()  # restored after a lost tab
    bad = park.post(url, {**FIGURES, "total_output": "-5", "narrative": NARRATIVE, "_revision": "0"})
    assert bad.status_code == 400 and "金额不能为负数" in bad.content.decode()
    assert 'value="-5"' in bad.content.decode()  # what was typed is kept
    stale = park.post(url, {**FIGURES, "narrative": NARRATIVE, "_revision": "7"})
    assert stale.status_code == 409 and 'data-testid="edit-conflict"' in stale.content.decode()
    saved = park.post(url, {**FIGURES, "narrative": NARRATIVE, "_revision": "0", "_action": "submit"})
    assert saved.status_code == 302 and saved["Location"] == reverse("bases:submit", args=[report.pk])
    assert park.post(reverse("bases:upload-evidence", args=[report.pk]), {"file": pdf("统计.pdf")}).status_code == 302
    confirm = park.get(reverse("bases:submit", args=[report.pk])).content.decode()
    assert "32.00" in confirm and "达到2025年30%的目标" in confirm
    assert park.post(reverse("bases:submit", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.SUBMITTED


def _submitted(base, user_named):
    report = AnnualReport.objects.get(base=base)
    park = user_named("park_huangpu")
    services.save_report(report=report, user=park, values=FIGURES, narrative=NARRATIVE, base_revision=0)
    services.add_report_evidence(report=report, user=park, uploaded_file=pdf("统计.pdf"))
    services.submit_report(report=report, user=park)
    return report


def test_the_city_reads_and_the_organiser_decides(period, base, client_for, user_named):
    report = _submitted(base, user_named)
    url = reverse("bases:report", args=[report.pk])
    city = client_for("city_gz").get(url).content.decode()
    assert NARRATIVE in city and "120.50" in city and "通过报告" not in city and 'name="total_output"' not in city
    evidence = report.evidence.get()
    assert client_for("city_gz").get(reverse("bases:evidence", args=[evidence.pk])).status_code == 200
    assert client_for("city_gz").post(reverse("bases:accept", args=[report.pk])).status_code == 403
    officer = client_for("gd_officer")
    assert "通过报告" in officer.get(url).content.decode()
    bad = officer.post(reverse("bases:return", args=[report.pk]), {"reason": ""})
    assert bad.status_code == 400 and "请填写退回理由" in bad.content.decode()
    assert officer.post(reverse("bases:return", args=[report.pk]), {"reason": "请补充证明材料。"}).status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.RETURNED
    park_page = client_for("park_huangpu").get(url).content.decode()
    assert "请补充证明材料。" in park_page and 'name="total_output"' in park_page  # editable again
    for outsider in ("park_pazhou", "city_sz", "mofcom_officer", "expert_li"):
        assert client_for(outsider).get(url).status_code == 404


def test_a_draft_evidence_file_is_the_parks_only(period, base, client_for, user_named):
    report = AnnualReport.objects.get(base=base)
    evidence = services.add_report_evidence(report=report, user=user_named("park_huangpu"), uploaded_file=pdf())
    url = reverse("bases:evidence", args=[evidence.pk])
    assert client_for("park_huangpu").get(url).status_code == 200
    assert client_for("gd_officer").get(url).status_code == 404  # not in a submitted version


# --- query budgets -------------------------------------------------------------------------------------

def test_directory_with_history_budget(demo, user_named):
    officer = user_named("gd_officer")
    gd = Organization.objects.get(name="广东省商务厅")

    def grow(n):
        start = DesignatedBase.objects.count()
        bases = DesignatedBase.objects.bulk_create([
            DesignatedBase(name=f"基地{start}-{i}", province="广东省", city="广州市", level="provincial",
                           batch="第一批",
                           year=2026, organiser=gd, status=S.RECTIFICATION) for i in range(n)])
        BaseStatusChange.objects.bulk_create([
            BaseStatusChange(base=b, from_status=S.ACTIVE, to_status=S.RECTIFICATION,
                             deadline=timezone.localdate(), document_number="文", document_date=timezone.localdate(),
                             decided_by=officer)
            for b in bases])

    _assert_constant(Client(), reverse("bases"), grow, rows=paginated)
    _assert_constant(Client(), reverse("bases") + "?status=rectification&city=%E5%B9%BF%E5%B7%9E%E5%B8%82", grow,
                     rows=paginated)


def test_base_page_budget(demo, user_named):
    base = make_base()
    officer = user_named("gd_officer")

    def grow(n):
        BaseStatusChange.objects.bulk_create([
            BaseStatusChange(base=base, from_status=S.ACTIVE, to_status=S.RECTIFICATION,
                             deadline=timezone.localdate(), document_number="文", document_date=timezone.localdate(),
                             decided_by=officer)
            for _ in range(n)])

    c = Client()
    c.force_login(officer)
    _assert_constant(c, reverse("bases:base", args=[base.pk]), grow, rows=count("data-to="))


@pytest.mark.parametrize("username", ["gd_officer", "park_huangpu", "city_gz"])
def test_reports_list_budget(period, user_named, username):
    huangpu = Organization.objects.get(name="广州开发区（黄埔区）数字经济产业园管理委员会")
    gd = Organization.objects.get(name="广东省商务厅")
    officer = user_named("gd_officer")

    def grow(n):
        start = DesignatedBase.objects.count()
        bases = DesignatedBase.objects.bulk_create([
            DesignatedBase(name=f"基地{start}-{i}", province="广东省", city="广州市", level="provincial",
                           batch="第一批",
                           year=2024, organiser=gd, park=huangpu) for i in range(n)])
        AnnualReport.objects.bulk_create([
            AnnualReport(period=period, base=b, status="submitted", latest_version_number=1,
                         submitted_at=timezone.now(), updated_by=officer) for b in bases])

    c = Client()
    c.force_login(User.objects.get(username=username))
    _assert_constant(c, reverse("bases:reports"), grow, rows=paginated)
    _assert_constant(c, reverse("bases:reports") + "?status=submitted&overdue=false&year=" + str(period.year), grow,
                     rows=paginated)


def test_workspaces_show_the_reports(period, base, client_for, user_named):
    park = client_for("park_huangpu").get(reverse("workspace-park")).content.decode()
    assert 'data-testid="report-panel"' in park
    assert reverse("bases:report", args=[AnnualReport.objects.get().pk]) in park
    assert 'data-testid="report-panel"' not in client_for("city_gz").get(reverse("workspace-city")).content.decode()
    _submitted(base, user_named)
    assert 'data-testid="report-panel"' in client_for("city_gz").get(reverse("workspace-city")).content.decode()
    assert 'data-testid="report-panel"' not in client_for("city_sz").get(reverse("workspace-city")).content.decode()
    province = client_for("gd_officer").get(reverse("workspace-province")).content.decode()
    assert 'data-testid="base-status-counts"' in province and "待您审核的报告：1" in province
