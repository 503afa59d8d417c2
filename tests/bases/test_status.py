"""A base has a life: 在册 → 限期整改 → 在册 / 撤销, each by a document, kept in a history that is never deleted."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bases import services
from bases.models import BaseStatusChange
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from publicity.models import DesignatedBase
from tests.bases.conftest import make_base, pdf

pytestmark = pytest.mark.django_db
S = DesignatedBase.Status


def _change(base, user, status, **kw):
    today = timezone.localdate()
    values = {"document_number": "粤商务服字〔2026〕30号", "document_date": today, "reason": "复审不合格，限期整改。",
              "deadline": today + timedelta(days=90) if status == S.RECTIFICATION else None}
    values.update(kw)
    return services.change_base_status(base=base, status=status, user=user, **values)


def test_rectification_then_active_then_revoked_keeps_the_history(base, user_named, django_capture_on_commit_callbacks):
    officer = user_named("gd_officer")
    with django_capture_on_commit_callbacks(execute=True):
        change = _change(base, officer, S.RECTIFICATION, document_file=pdf())
    base.refresh_from_db()
    assert base.status == S.RECTIFICATION and base.status_deadline == change.deadline
    assert change.from_status == S.ACTIVE and change.document_sha256 and change.document_name == "决定.pdf"
    assert change.document_file.name.startswith("private/bases/")
    assert AuditEvent.objects.filter(verb="base.status_changed", target_id=str(base.pk)).count() == 1
    told = Notification.objects.filter(event="base.status_changed")
    assert [n.recipient.username for n in told] == ["park_huangpu"]
    assert "限期整改" in told.get().title

    _change(base, officer, S.ACTIVE, reason="")
    base.refresh_from_db()
    assert base.status == S.ACTIVE and base.status_deadline is None
    _change(base, officer, S.REVOKED, reason="整改期满仍不合格，撤销基地资格。")
    base.refresh_from_db()
    assert base.status == S.REVOKED
    assert list(base.status_changes.values_list("to_status", flat=True)) == [S.RECTIFICATION, S.ACTIVE, S.REVOKED]


def test_history_cannot_be_edited_or_deleted(base, user_named):
    change = _change(base, user_named("gd_officer"), S.RECTIFICATION)
    with pytest.raises(ValueError):
        change.delete()
    change.reason = "改写"
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(Exception):  # noqa: B017 - PROTECT: a base with a history is never deleted
        base.delete()
    assert BaseStatusChange.objects.filter(pk=change.pk, reason="复审不合格，限期整改。").exists()


def test_revoked_is_final(base, user_named):
    officer = user_named("gd_officer")
    _change(base, officer, S.REVOKED)
    with pytest.raises(ValidationError) as exc:
        _change(base, officer, S.ACTIVE, reason="")
    assert "status" in exc.value.message_dict
    base.refresh_from_db()
    assert base.status == S.REVOKED and base.status_changes.count() == 1


@pytest.mark.parametrize("username", ["mofcom_officer", "park_huangpu", "city_gz", "gd_cac", "sysadmin"])
def test_only_the_designating_departments_officer_decides(base, user_named, username):
    with pytest.raises(PermissionDenied):
        _change(base, user_named(username), S.RECTIFICATION)
    base.refresh_from_db()
    assert base.status == S.ACTIVE and not base.status_changes.exists()


def test_the_ministry_decides_on_its_national_bases(demo, user_named):
    national = make_base(None, "中华人民共和国商务部", name="中关村软件园", level=DesignatedBase.Level.NATIONAL)
    with pytest.raises(PermissionDenied):
        _change(national, user_named("gd_officer"), S.REVOKED)
    _change(national, user_named("mofcom_officer"), S.REVOKED)
    national.refresh_from_db()
    assert national.status == S.REVOKED


@pytest.mark.parametrize(("status", "values", "field"), [
    ("rectification", {"deadline": None}, "deadline"),
    ("rectification", {"deadline": date(2020, 1, 1)}, "deadline"),
    ("revoked", {"deadline": date(2099, 1, 1)}, "deadline"),
    ("revoked", {"reason": "  "}, "reason"),
    ("rectification", {"document_number": ""}, "document_number"),
    ("rectification", {"document_date": date(2099, 1, 1)}, "document_date"),
    ("rectification", {"document_date": None}, "document_date"),
    ("active", {"reason": ""}, "status"),  # already active
    ("nonsense", {}, "status"),
    ("rectification", {"document_file": SimpleUploadedFile("决定.pdf", b"MZ\x90\x00 not a pdf")}, "document_file"),
    ("rectification", {"document_file": SimpleUploadedFile("决定.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)},
     "document_file"),
])
def test_bad_input_is_refused_with_nothing_changed(base, user_named, status, values, field):
    with pytest.raises(ValidationError) as exc:
        _change(base, user_named("gd_officer"), status, **values)
    assert field in exc.value.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0])  # a Chinese message
    base.refresh_from_db()
    assert base.status == S.ACTIVE and not base.status_changes.exists()
    assert not AuditEvent.objects.filter(verb="base.status_changed").exists()


def test_the_round_that_decided_is_kept(base, user_named):
    change = _change(base, user_named("gd_officer"), S.RECTIFICATION, source="rereview:7")
    assert change.source == "rereview:7"
