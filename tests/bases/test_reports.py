"""Annual progress reports (年度建设进展报告): the organiser opens a period, the park files, the organiser decides."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bases import selectors, services
from bases.models import AnnualReport, AnnualReportVersion, ReportingPeriod
from portal.accounts.models import Organization
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from publicity.models import DesignatedBase
from tests.bases.conftest import FIGURES, NARRATIVE, make_base, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def gd(demo):
    return Organization.objects.get(name="广东省商务厅")


@pytest.fixture
def period(base, gd, user_named):
    today = timezone.localdate()
    return services.open_reporting_period(organiser=gd, year=today.year - 1, deadline=today + timedelta(days=30),
                                          user=user_named("gd_officer"))


@pytest.fixture
def report(period, base) -> AnnualReport:
    return AnnualReport.objects.get(period=period, base=base)


def _fill(report, user, values=None, narrative=NARRATIVE):
    report.refresh_from_db()
    return services.save_report(report=report, user=user, values=values or FIGURES, narrative=narrative,
                                base_revision=report.revision)


def test_opening_a_period_creates_one_report_per_base_that_reports(base, gd, user_named):
    revoked = make_base("广州人工智能与数字经济试验区琶洲核心片区管理委员会", status=DesignatedBase.Status.REVOKED)
    later = make_base("深圳市南山软件产业基地管理服务中心", year=2030, city="深圳市")
    no_park = make_base(None, name="没有园区账号的基地")
    national = make_base("广州天河中央商务区管理委员会", "中华人民共和国商务部", level=DesignatedBase.Level.NATIONAL)
    today = timezone.localdate()
    period = services.open_reporting_period(organiser=gd, year=today.year - 1, deadline=today + timedelta(days=30),
                                            user=user_named("gd_officer"))
    assert list(period.reports.values_list("base_id", flat=True)) == [base.pk]
    assert not AnnualReport.objects.filter(base__in=[revoked, later, no_park, national]).exists()
    told = Notification.objects.filter(event="report.requested")
    assert [n.recipient.username for n in told] == ["park_huangpu"]
    assert AuditEvent.objects.filter(verb="reporting.period_opened").count() == 1


@pytest.mark.parametrize("username", ["mofcom_officer", "park_huangpu", "city_gz", "sysadmin"])
def test_only_the_departments_officer_opens_its_period(base, gd, user_named, username):
    with pytest.raises(PermissionDenied):
        services.open_reporting_period(organiser=gd, year=2025, deadline=date(2099, 1, 1), user=user_named(username))
    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize(("year", "deadline", "field"), [
    (1999, date(2099, 1, 1), "year"), (2099, date(2099, 1, 1), "year"), (2025, date(2020, 1, 1), "deadline"),
    (2025, None, "deadline"),
])
def test_bad_period_is_refused(base, gd, user_named, year, deadline, field):
    with pytest.raises(ValidationError) as exc:
        services.open_reporting_period(organiser=gd, year=year, deadline=deadline, user=user_named("gd_officer"))
    assert field in exc.value.message_dict
    assert not ReportingPeriod.objects.exists() and not AnnualReport.objects.exists()


def test_a_year_is_asked_once(period, gd, user_named):
    with pytest.raises(ValidationError) as exc:
        services.open_reporting_period(organiser=gd, year=period.year, deadline=period.deadline,
                                       user=user_named("gd_officer2"))
    assert "year" in exc.value.message_dict
    assert ReportingPeriod.objects.count() == 1


def test_the_whole_cycle_submit_return_resubmit_accept(report, user_named, django_capture_on_commit_callbacks):
    park, officer = user_named("park_huangpu"), user_named("gd_officer")
    _fill(report, park)
    report.refresh_from_db()
    assert report.total_output == Decimal("120.50") and report.enterprise_count == 420
    assert report.digital_export_share == Decimal("32.00")  # 9.60 / 30.00: above the 2025 goal of 30%
    assert report.digital_enterprise_share == Decimal("35.71")
    services.add_report_evidence(report=report, user=park, uploaded_file=pdf("统计报表.pdf"))
    version = services.submit_report(report=report, user=park)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.SUBMITTED and version.number == 1
    assert version.data["total_output"] == "120.50" and version.data["narrative"] == NARRATIVE
    assert [a["name"] for a in version.attachments] == ["统计报表.pdf"] and version.attachments[0]["sha256"]
    assert {n.recipient.username for n in Notification.objects.filter(event="report.submitted")} == {
        "gd_officer", "gd_officer2"}
    with pytest.raises(PermissionDenied):  # frozen while with the organiser
        _fill(report, park)

    services.return_report(report=report, user=officer, reason="请补充数字服务出口统计证明。")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.RETURNED and report.return_reason == "请补充数字服务出口统计证明。"
    assert Notification.objects.filter(event="report.returned", recipient=park).exists()
    _fill(report, park, {**FIGURES, "digital_service_exports": "10.20"})
    services.submit_report(report=report, user=park)
    services.accept_report(report=report, user=officer)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.ACCEPTED and report.latest_version_number == 2
    assert list(report.versions.values_list("number", flat=True)) == [2, 1]
    assert report.versions.get(number=1).data["digital_service_exports"] == "9.60"  # the first version is kept
    assert Notification.objects.filter(event="report.accepted", recipient=park).exists()
    verbs = list(AuditEvent.objects.filter(verb__startswith="report.").values_list("verb", flat=True))
    assert verbs.count("report.submitted") == 2 and "report.returned" in verbs and "report.accepted" in verbs
    with pytest.raises(ValueError):
        report.versions.first().delete()


def test_a_version_is_immutable(report, user_named):
    park = user_named("park_huangpu")
    _fill(report, park)
    version = services.submit_report(report=report, user=park)
    version.data = {}
    with pytest.raises(ValueError):
        version.save()
    assert AnnualReportVersion.objects.get(pk=version.pk).data["employee_count"] == "36000"


@pytest.mark.parametrize(("field", "value"), [
    ("total_output", "-1"), ("total_output", "12.345"), ("total_output", "abc"), ("enterprise_count", "-3"),
    ("enterprise_count", "2.5"), ("digital_service_exports", "31"),  # more than the foreign trade exports
    ("digital_service_enterprise_count", "500"),  # more than the enterprises
    ("ict_value_added", "40"),  # more than the sector's output
])
def test_bad_figures_are_refused_with_nothing_changed(report, user_named, field, value):
    park = user_named("park_huangpu")
    _fill(report, park)
    report.refresh_from_db()
    before = (report.revision, getattr(report, field))
    with pytest.raises(ValidationError) as exc:
        services.save_report(report=report, user=park, values={**FIGURES, field: value}, narrative="改过的文字",
                             base_revision=report.revision)
    assert field in exc.value.message_dict
    report.refresh_from_db()
    assert (report.revision, getattr(report, field)) == before and report.narrative == NARRATIVE


def test_submission_needs_every_figure_and_a_narrative(report, user_named):
    park = user_named("park_huangpu")
    _fill(report, park, {**FIGURES, "employee_count": ""}, narrative="太短")
    with pytest.raises(ValidationError) as exc:
        services.submit_report(report=report, user=park)
    assert set(exc.value.message_dict) == {"employee_count", "narrative"}
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and not report.versions.exists()


def test_a_colleagues_save_in_between_is_a_conflict(report, user_named):
    park = user_named("park_huangpu")
    opened = report.revision
    _fill(report, park)
    with pytest.raises(services.ReportConflict):
        services.save_report(report=report, user=park, values=FIGURES, narrative="覆盖", base_revision=opened)
    report.refresh_from_db()
    assert report.narrative == NARRATIVE


def test_autosave_keeps_the_typing_without_saving(report, user_named):
    park = user_named("park_huangpu")
    services.autosave_report(report=report, user=park, raw={"total_output": "1x", "narrative": "正在填写"})
    report.refresh_from_db()
    assert report.draft[str(park.pk)]["raw"] == {"total_output": "1x", "narrative": "正在填写"}
    assert report.total_output is None and report.revision == 0
    with pytest.raises(PermissionDenied):
        services.autosave_report(report=report, user=user_named("park_pazhou"), raw={"narrative": "x"})


@pytest.mark.parametrize("username", ["park_pazhou", "city_gz", "gd_officer", "mofcom_officer"])
def test_only_the_park_edits(report, user_named, username):
    with pytest.raises(PermissionDenied):
        _fill(report, user_named(username))
    with pytest.raises(PermissionDenied):
        services.add_report_evidence(report=report, user=user_named(username), uploaded_file=pdf())
    report.refresh_from_db()
    assert report.revision == 0 and not report.evidence.exists()


@pytest.mark.parametrize("username", ["park_huangpu", "city_gz", "mofcom_officer", "gd_cac"])
def test_only_the_organiser_decides(report, user_named, username):
    park = user_named("park_huangpu")
    _fill(report, park)
    services.submit_report(report=report, user=park)
    with pytest.raises(PermissionDenied):
        services.accept_report(report=report, user=user_named(username))
    with pytest.raises(PermissionDenied):
        services.return_report(report=report, user=user_named(username), reason="不予接收的理由")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.SUBMITTED


def test_a_draft_cannot_be_decided_and_a_return_needs_reasons(report, user_named):
    officer, park = user_named("gd_officer"), user_named("park_huangpu")
    with pytest.raises(PermissionDenied):
        services.accept_report(report=report, user=officer)
    _fill(report, park)
    services.submit_report(report=report, user=park)
    with pytest.raises(ValidationError) as exc:
        services.return_report(report=report, user=officer, reason="  ")
    assert "reason" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.SUBMITTED


def test_bad_evidence_is_refused(report, user_named):
    with pytest.raises(ValidationError) as exc:
        services.add_report_evidence(report=report, user=user_named("park_huangpu"),
                                     uploaded_file=SimpleUploadedFile("a.pdf", b"MZ not a pdf"))
    assert "file" in exc.value.message_dict
    assert not report.evidence.exists()


def test_removed_evidence_stays_for_the_version(report, user_named):
    park = user_named("park_huangpu")
    _fill(report, park)
    evidence = services.add_report_evidence(report=report, user=park, uploaded_file=pdf())
    services.submit_report(report=report, user=park)
    services.return_report(report=report, user=user_named("gd_officer"), reason="请更新证明材料。")
    services.remove_report_evidence(evidence=evidence, user=park)
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and evidence.file
    assert selectors.evidence_in_a_version(evidence)


def test_who_sees_which_reports(report, user_named, demo):
    park = user_named("park_huangpu")
    assert list(selectors.reports_visible_to(park)) == [report]
    assert list(selectors.reports_visible_to(user_named("gd_officer"))) == [report]
    assert list(selectors.reports_visible_to(user_named("city_gz"))) == []  # not before it is submitted
    for outsider in ("park_pazhou", "city_sz", "mofcom_officer", "gd_cac", "expert_li", "sysadmin"):
        assert list(selectors.reports_visible_to(user_named(outsider))) == []
    _fill(report, park)
    services.submit_report(report=report, user=park)
    assert list(selectors.reports_visible_to(user_named("city_gz"))) == [report]
    assert list(selectors.reports_visible_to(user_named("city_sz"))) == []


def test_reminders_before_the_deadline(report, user_named):
    deadline = report.period.deadline
    assert services.remind_annual_reports(today=deadline - timedelta(days=7)) == 1
    assert services.remind_annual_reports(today=deadline - timedelta(days=5)) == 0
    assert services.remind_annual_reports(today=deadline - timedelta(days=1)) == 1
    reminder = Notification.objects.filter(event="report.reminder").order_by("pk").last()
    assert reminder.recipient.username == "park_huangpu" and "1" in reminder.title
    park = user_named("park_huangpu")
    _fill(report, park)
    services.submit_report(report=report, user=park)
    assert services.remind_annual_reports(today=deadline - timedelta(days=3)) == 0  # submitted: no reminder


def test_the_beat_schedule_runs_the_reminders(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remind-annual-reports"]
    assert entry["task"] == "bases.tasks.remind_annual_reports"
    from bases.tasks import remind_annual_reports

    assert remind_annual_reports.name == entry["task"]


def test_overdue_reports_are_flagged(report, user_named):
    assert not report.is_overdue()
    assert report.is_overdue(today=report.period.deadline + timedelta(days=1))
    ReportingPeriod.objects.filter(pk=report.period_id).update(deadline=timezone.localdate() - timedelta(days=1))
    client_officer = user_named("gd_officer")
    from django.test import Client

    c = Client()
    c.force_login(client_officer)
    page = c.get("/bases/reports/").content.decode()
    assert 'data-testid="overdue"' in page
    page = c.get("/bases/reports/?overdue=true").content.decode()
    assert report.base.name in page
    page = c.get("/bases/reports/?overdue=false").content.decode()
    assert 'data-report="' not in page
