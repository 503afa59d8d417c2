"""The annual-report workbook as a Celery task (portal.background): progress bar, result, failure, retry."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.models import AnnualReportExport
from portal.accounts.models import Organization
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
URL = "/monitoring/annual-reports.xlsx"


def test_the_workbook_is_rendered_by_a_task_and_offered_for_download(reports, client_for,
                                                                     django_capture_on_commit_callbacks):
    assert reverse("monitoring:export") == URL
    c = client_for("gd_officer")
    page = c.get(reverse("monitoring:dashboard")).content.decode()
    assert 'id="annual-report-export"' in page and f'hx-post="{URL}"' in page
    assert c.get(URL).status_code == 302  # nothing to download yet: back to the dashboard
    with django_capture_on_commit_callbacks(execute=True):  # the task runs (eagerly) once the request commits
        panel = c.post(URL, **HX)
    assert panel.status_code == 200 and 'data-status="queued"' in panel.content.decode()
    export = AnnualReportExport.objects.get(organiser__name="广东省商务厅")
    assert export.status == "ready" and export.progress == 100 and export.seconds is not None
    panel = c.get(URL, **HX).content.decode()
    assert 'data-status="ready"' in panel and "hx-trigger" not in panel and f'href="{URL}"' in panel
    download = c.get(URL)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    wb = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames == ["汇总", "基地年度指标", "缺报情况"]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][0].startswith("广东省商务厅") and summary[1][:2] == ("年度", "报送基地数")
    assert [r[0] for r in summary[2:4]] == [2021, 2022] and summary[2][1] == 4
    detail = list(wb["基地年度指标"].iter_rows(values_only=True))
    header = detail[0]
    huangpu = next(r for r in detail[1:] if r[0] == "广州开发区（黄埔区）" and r[4] == 2021)
    assert huangpu[header.index("数字服务出口额（亿元）")] == pytest.approx(46.97)
    assert huangpu[header.index("达到2025年目标")] == "否"
    assert len(detail) == 1 + 4 * 2  # four bases, two years each
    assert AuditEvent.objects.filter(verb="monitoring.reports_exported").count() == 1
    # Rendered again on request (reports may have been accepted since).
    with django_capture_on_commit_callbacks(execute=True):
        c.post(URL, {"again": "1"}, **HX)
    export.refresh_from_db()
    assert export.status == "ready" and export.file


def test_the_ministrys_workbook_lists_the_year_not_reported(reports, client_for, django_capture_on_commit_callbacks):
    c = client_for("mofcom_officer")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(URL, **HX)
    wb = load_workbook(BytesIO(b"".join(c.get(URL).streaming_content)))
    gaps = list(wb["缺报情况"].iter_rows(values_only=True))
    assert gaps[1:] == [("海南生态软件园", "国家级", "澄迈县", "2021年")]
    assert len(list(wb["基地年度指标"].iter_rows())) == 1 + 12 * 2 - 1


def test_the_panel_polls_with_a_progress_bar_while_the_task_works(reports, client_for):
    AnnualReportExport.objects.create(organiser=Organization.objects.get(name="广东省商务厅"), status="rendering",
                                      progress=40)
    panel = client_for("gd_officer").get(URL, **HX).content.decode()
    assert f'hx-get="{URL}"' in panel and 'hx-trigger="every 2s"' in panel
    assert '<progress id="annual-report-export-progress" max="100" value="40"' in panel and "40%" in panel


def test_progress_is_reported_while_the_rows_are_written(reports, tmp_path):
    from monitoring import exports

    seen = []
    exports.annual_reports_xlsx(Organization.objects.get(name="中华人民共和国商务部"), path=tmp_path / "out.xlsx",
                                progress=seen.append)
    assert seen and seen[0] == pytest.approx(0.1) and all(0 < f < 1 for f in seen)
    assert (tmp_path / "out.xlsx").read_bytes()[:2] == b"PK"


def test_a_failure_is_shown_with_a_retry_that_renders_it(reports, client_for, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from monitoring import exports

    c = client_for("gd_officer")
    real = exports.annual_reports_xlsx

    def broken(organiser, *, path, progress=None):
        raise OSError("磁盘空间不足")

    monkeypatch.setattr(exports, "annual_reports_xlsx", broken)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(URL, **HX)
    export = AnnualReportExport.objects.get()
    assert export.status == "failed" and "磁盘空间不足" in export.error and not export.file
    panel = c.get(URL, **HX).content.decode()
    assert 'data-status="failed"' in panel and "重试" in panel and "hx-trigger" not in panel
    assert c.get(URL).status_code == 302  # no file to download
    monkeypatch.setattr(exports, "annual_reports_xlsx", real)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(URL, **HX)  # the retry button
    export.refresh_from_db()
    assert export.status == "ready" and export.error == "" and export.file.read(2) == b"PK"


def test_a_stalled_rendering_counts_as_failed_and_can_be_retried(reports, client_for,
                                                                django_capture_on_commit_callbacks):
    export = AnnualReportExport.objects.create(organiser=Organization.objects.get(name="广东省商务厅"),
                                               status="rendering", progress=10)
    AnnualReportExport.objects.filter(pk=export.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    c = client_for("gd_officer")
    assert 'data-status="failed"' in c.get(URL, **HX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(URL, **HX)
    export.refresh_from_db()
    assert export.status == "ready"


def test_only_an_organiser_may_queue_or_download(reports, client_for, client):
    for username in ("city_gz", "park_huangpu", "expert_li", "sysadmin"):
        assert client_for(username).post(URL, **HX).status_code == 403
        assert client_for(username).get(URL).status_code == 403
    assert client.post(URL)["Location"].startswith(reverse("login"))
    assert not AnnualReportExport.objects.exists()


def test_text_that_looks_like_a_formula_stays_text(reports, client_for, django_capture_on_commit_callbacks):
    from publicity.models import DesignatedBase

    DesignatedBase.objects.filter(name="深圳市南山软件产业基地").update(name="=HYPERLINK(\"http://x\")")
    c = client_for("gd_officer")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(URL, **HX)
    wb = load_workbook(BytesIO(b"".join(c.get(URL).streaming_content)))
    cells = [row[0] for row in wb["基地年度指标"].iter_rows() if str(row[0].value).startswith("=")]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
