"""The ranking workbook and PDF as Celery tasks (portal.background): progress, result, failure, retry."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditEvent
from review.models import RankingExport
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.test_ranking_exports import NANSHAN, scored  # noqa: F401

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_the_workbook_is_rendered_by_a_task_and_offered_for_download(scored, client_for,  # noqa: F811
                                                                     django_capture_on_commit_callbacks):
    call = scored["call"]
    c = client_for("gd_officer")
    url = reverse("review:ranking-export", args=[call.pk, "xlsx"])
    page = c.get(reverse("review:ranking", args=[call.pk])).content.decode()
    assert 'id="ranking-export-xlsx"' in page and f'hx-post="{url}"' in page
    assert c.get(url).status_code == 302  # nothing to download yet: back to the ranking
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the request commits
        panel = c.post(url, **HX)
    assert panel.status_code == 200 and 'data-status="queued"' in panel.content.decode()
    export = RankingExport.objects.get(call=call, format="xlsx")
    assert export.status == "ready" and export.progress == 100 and export.seconds is not None
    panel = c.get(url, **HX).content.decode()
    assert 'data-status="ready"' in panel and "hx-trigger" not in panel and f'href="{url}"' in panel
    download = c.get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    wb = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames[0] == "汇总" and wb["汇总"]["B2"].value == NANSHAN
    assert AuditEvent.objects.filter(verb="ranking.exported", data__format="xlsx").count() == 1
    # Rendered again on request (the scores may have changed since).
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, {"again": "1"}, **HX)
    export.refresh_from_db()
    assert export.status == "ready" and export.file


def test_the_panel_polls_with_a_progress_bar_while_the_task_works(scored, client_for):  # noqa: F811
    call = scored["call"]
    RankingExport.objects.create(call=call, format="pdf", status="rendering", progress=40)
    url = reverse("review:ranking-export", args=[call.pk, "pdf"])
    panel = client_for("gd_officer").get(url, **HX).content.decode()
    assert f'hx-get="{url}"' in panel and 'hx-trigger="every 2s"' in panel
    assert '<progress id="ranking-export-pdf-progress" max="100" value="40"' in panel and "40%" in panel


def test_a_failure_is_shown_with_a_retry_that_renders_it(scored, client_for, monkeypatch,  # noqa: F811
                                                        django_capture_on_commit_callbacks):
    from review import exports

    call = scored["call"]
    c = client_for("gd_officer")
    url = reverse("review:ranking-export", args=[call.pk, "pdf"])

    def broken(call):
        raise OSError("字体文件无法读取")

    real = exports.ranking_pdf
    monkeypatch.setattr(exports, "ranking_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, **HX)
    export = RankingExport.objects.get(call=call, format="pdf")
    assert export.status == "failed" and "字体文件无法读取" in export.error and not export.file
    panel = c.get(url, **HX).content.decode()
    assert 'data-status="failed"' in panel and "重试" in panel and "hx-trigger" not in panel
    monkeypatch.setattr(exports, "ranking_pdf", real)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, **HX)  # the retry button
    export.refresh_from_db()
    assert export.status == "ready" and export.error == "" and export.file.read(4) == b"%PDF"


def test_a_stalled_rendering_counts_as_failed_and_can_be_retried(scored, client_for,  # noqa: F811
                                                                django_capture_on_commit_callbacks):
    call = scored["call"]
    export = RankingExport.objects.create(call=call, format="pdf", status="rendering", progress=10)
    RankingExport.objects.filter(pk=export.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    c = client_for("gd_officer")
    url = reverse("review:ranking-export", args=[call.pk, "pdf"])
    assert 'data-status="failed"' in c.get(url, **HX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, **HX)
    export.refresh_from_db()
    assert export.status == "ready"


def test_only_the_organiser_may_queue_or_download(scored, client_for):  # noqa: F811
    call = scored["call"]
    for username in ("expert_li", "city_gz", "park_huangpu"):
        c = client_for(username)
        assert c.post(reverse("review:ranking-export", args=[call.pk, "xlsx"]), **HX).status_code == 404
    assert not RankingExport.objects.exists()
