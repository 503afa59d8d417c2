import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from portal.accounts.models import Organization
from portal.audit.models import AuditEvent, AuditLogIsAppendOnly
from portal.audit.selectors import history_of
from portal.audit.services import record_event

pytestmark = pytest.mark.django_db


def _request(user, ip="10.1.2.3"):
    request = RequestFactory().post("/", REMOTE_ADDR=ip)
    request.user = user
    return request


def test_record_event_writes_who_what_when_where(user_named):
    user = user_named("gd_officer")
    org = Organization.objects.get(name="广东省商务厅")
    event = record_event(verb="call.opened", target=org, organization=org, data={"x": 1},
                         request=_request(user))
    event.refresh_from_db()
    assert event.actor == user
    assert event.ip_address == "10.1.2.3"
    assert event.target_repr == "广东省商务厅"
    assert event.data == {"x": 1}
    assert event.created_at is not None
    assert list(history_of(org)) == [event]


def test_audit_events_cannot_be_changed_or_deleted(user_named):
    event = record_event(verb="x", actor=user_named("gd_officer"))
    event.verb = "y"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(verb="y")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_changes_to_the_audit_log(user_named):
    event = record_event(verb="x", actor=user_named("gd_officer"))
    assert connection.vendor == "postgresql"
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET verb = 'y' WHERE id = %s", [event.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.verb == "x"


def test_admin_can_read_but_not_change_the_audit_log(user_named, client):
    event = record_event(verb="x", actor=user_named("gd_officer"))
    from portal.accounts.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))  # command-line superuser
    admin = client
    assert admin.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = admin.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin.post(change_url, {"verb": "y"}).status_code == 403
    assert admin.post(reverse("admin:audit_auditevent_delete", args=[event.pk]),
                      {"post": "yes"}).status_code == 403
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.verb == "x"
