"""The audit log's hash chain and the runtime database role (PostgreSQL)."""

import logging
import threading
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from portal.audit.chain import GENESIS, verify_chain
from portal.audit.models import AuditEvent
from portal.audit.services import record_event
from portal.audit.tasks import log_chain_head

pytestmark = pytest.mark.django_db


def _events(n: int, **kwargs) -> list[AuditEvent]:
    return [record_event(verb=f"test.event{i}", data={"i": i, "ratio": 2.0, "text": "广东"}, **kwargs)
            for i in range(n)]


def test_each_event_is_linked_to_the_one_before(user_named):
    first, second, third = _events(3, actor=user_named("gd_officer"))
    assert first.prev_hash == GENESIS or first.prev_hash  # the demo data wrote events before
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3
    report = verify_chain()
    assert report.broken is None and report.head_id == third.pk and report.head_hash == third.entry_hash


def test_verify_chain_passes_on_an_intact_log(user_named, capsys):
    _events(3, actor=user_named("gd_officer"))
    call_command("verify_audit", "--chain")
    assert "intact" in capsys.readouterr().out


def _as_owner(sql: str, params=()) -> None:
    """What only the owner of the table can do: switch the trigger off, change a row, switch it on."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's inserts leave deferred FK checks pending
        cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
        cur.execute(sql, params)
        cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete")


def test_an_event_forged_in_sql_is_named_by_verify(user_named, capsys):
    events = _events(4, actor=user_named("gd_officer"))
    forged = events[1]
    _as_owner("UPDATE audit_auditevent SET data = '{\"i\": 99}' WHERE id = %s", [forged.pk])
    with pytest.raises(CommandError, match=f"broken at event #{forged.pk}"):
        call_command("verify_audit", "--chain")
    out = capsys.readouterr().out
    assert f"BROKEN   event #{forged.pk}" in out and "does not match its hash" in out
    assert f"intact up to event #{events[0].pk}" in out


def test_a_forger_who_recomputes_the_hash_is_caught_at_the_next_link(user_named):
    from portal.audit.chain import hash_of_row

    events = _events(3, actor=user_named("gd_officer"))
    row = AuditEvent.objects.filter(pk=events[1].pk).values().get()
    row["verb"] = "forged"
    _as_owner("UPDATE audit_auditevent SET verb = 'forged', entry_hash = %s WHERE id = %s",
              [hash_of_row(row), events[1].pk])
    report = verify_chain()
    assert report.broken.event_id == events[2].pk and "does not follow" in report.broken.reason


def test_a_deleted_event_is_caught(user_named):
    events = _events(3, actor=user_named("gd_officer"))
    _as_owner("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    assert verify_chain().broken.event_id == events[2].pk


def test_the_daily_task_logs_the_chain_head(user_named, caplog):
    last = _events(2, actor=user_named("gd_officer"))[-1]
    with caplog.at_level(logging.INFO, logger="portal.audit"):
        anchor = log_chain_head.delay().get()
    assert anchor["event_id"] == last.pk and anchor["hash"] == last.entry_hash
    assert last.entry_hash in caplog.text and f"#{last.pk}" in caplog.text
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["log-audit-chain-head"]["task"] == "portal.audit.tasks.log_chain_head"


@pytest.mark.django_db(transaction=True)
def test_concurrent_events_never_fork_the_chain():
    """Eight connections append at once, each inside a longer transaction: one chain, no two events with the
    same predecessor."""
    barrier = threading.Barrier(8)
    errors = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                with transaction.atomic():
                    record_event(verb="test.concurrent", data={"thread": n, "i": i})
                    record_event(verb="test.concurrent", data={"thread": n, "i": i, "second": True})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    events = list(AuditEvent.objects.order_by("id").values("prev_hash", "entry_hash"))
    assert len(events) == 80
    assert len({e["prev_hash"] for e in events}) == 80
    assert verify_chain().broken is None


# --- the runtime role --------------------------------------------------------------------------

@pytest.fixture
def runtime_role(db):
    """A fresh role granted by the command, inside the test's transaction (rolled back with it)."""
    name = f"portal_app_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cur:
        cur.execute(f'CREATE ROLE "{name}" NOLOGIN')
    call_command("grant_runtime_role", name)
    return name


def _as_runtime(role: str, sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{role}"')
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET verb = 'x'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_no_update_delete ON audit_auditevent",
    "DROP TABLE audit_auditevent",
    "SET session_replication_role = replica",
])
def test_the_runtime_role_cannot_alter_the_audit_log(runtime_role, user_named, statement):
    record_event(verb="test.kept", actor=user_named("gd_officer"))
    before = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="permission denied|must be owner|must be superuser"):
        _as_runtime(runtime_role, statement)
    assert AuditEvent.objects.count() == before
    assert verify_chain().broken is None


def test_the_runtime_role_can_do_the_portals_work(runtime_role, user_named):
    """Audit events are appended and chained, and ordinary tables are read, written and deleted."""
    from portal.notifications.models import Notification

    user = user_named("gd_officer")
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f'SET LOCAL ROLE "{runtime_role}"')
        event = record_event(verb="test.as_runtime", actor=user, data={"ok": True})
        note = Notification.objects.create(recipient=user, title="运行角色")
        Notification.objects.filter(pk=note.pk).update(title="已改")
        Notification.objects.filter(pk=note.pk).delete()
        with connection.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == runtime_role
    assert event.prev_hash and verify_chain().head_id == event.pk


def test_the_command_refuses_the_owner_and_unknown_roles(db):
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        owner = cur.fetchone()[0]
    with pytest.raises(CommandError, match="superuser|owns"):
        call_command("grant_runtime_role", owner)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_runtime_role", "no_such_role_xyz")
