"""The publicity window is decided by time when it is read: without a beat process (``make run``) a
notice still closes, objections stop and designation becomes possible (issue 20, point 8)."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from publicity import selectors, services
from publicity.models import Notice
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


def test_a_notice_past_its_window_reads_as_closed_without_the_beat_task(published, frozen):  # noqa: F811
    frozen(datetime(2026, 12, 30, 12, 0, tzinfo=SHANGHAI))
    assert published.current_status == "published"
    assert list(selectors.current_notices()) == [published]
    frozen(datetime(2026, 12, 31, 0, 1, tzinfo=SHANGHAI))  # window ended 12月30日 23:59:59
    notice = Notice.objects.get(pk=published.pk)
    assert notice.status == "published"  # nothing recorded the closing
    assert notice.current_status == "closed"
    assert list(selectors.current_notices()) == []
    assert services.window_state(notice) == "after"
    listing = Client().get(reverse("publicity:notices")).content.decode()
    assert "公示期满" in listing and "公示中" not in listing
    posted = Client().post(reverse("publicity:object", args=[notice.pk]), _objection_data(notice))
    assert posted.status_code == 403 and not notice.objections.exists()


def test_designation_after_the_window_needs_no_beat_task(published, officer, frozen, user_named):  # noqa: F811
    frozen(datetime(2026, 12, 30, 23, 0, tzinfo=SHANGHAI))
    with pytest.raises(ValidationError) as exc:
        services.designate(call=published.call, user=officer, document_number="粤商务服字〔2027〕1号",
                           document_date=date(2027, 1, 8))
    assert exc.value.code == "window_open"
    frozen(datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI))
    assert Notice.objects.get(pk=published.pk).status == "published"
    designation = services.designate(call=published.call, user=officer, document_number="粤商务服字〔2027〕1号",
                                     document_date=date(2027, 1, 8))
    for name in ("gd_cac", "gd_miit"):  # issued jointly: countersigned (会签) before it is published
        services.countersign_designation(designation=designation, user=user_named(name))
    designation = services.publish_designation(designation=designation, user=officer)
    assert designation.bases.count() == published.items.count()
