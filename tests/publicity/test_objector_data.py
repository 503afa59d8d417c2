"""Objectors' ID and phone numbers: encrypted at rest, hashed for look-ups, masked, revealed with an audit
event, rotated to a new key, erased after the retention period, absent from a database dump."""

import os
import subprocess
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.crypto import keyed_hash, mask_id_number, mask_phone
from publicity import services
from publicity.models import Designation, Objection
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.publicity.test_publicity import (  # noqa: F401
    ID_NUMBER,
    _objection_data,
    candidates,
    draft,
    frozen,
    officer,
    published,
)

pytestmark = pytest.mark.django_db
PHONE = "13800138000"


@pytest.fixture
def open_notice(published, frozen):  # noqa: F811
    from datetime import datetime

    from tests.publicity.test_publicity import SHANGHAI

    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    return published


def _file(notice, **overrides):
    data = _objection_data(notice, **overrides)
    item = notice.items.get(pk=data.pop("item"))
    return services.submit_objection(notice=notice, item=item, values=data, files=[], ip="10.0.0.1")


def _raw(objection_id):
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone, id_number_hash, phone_hash FROM publicity_objection WHERE id = %s",
                    [objection_id])
        return cur.fetchone()


def test_numbers_are_stored_encrypted_with_keyed_hashes(open_notice):
    objection = _file(open_notice)
    raw_id, raw_phone, id_hash, phone_hash = _raw(objection.pk)
    assert ID_NUMBER not in raw_id and PHONE not in raw_phone
    assert raw_id.startswith("gAAAA") and raw_phone.startswith("gAAAA")
    assert id_hash == keyed_hash(ID_NUMBER) and phone_hash == keyed_hash(PHONE)
    assert len(id_hash) == 64 and PHONE not in phone_hash
    fresh = Objection.objects.get(pk=objection.pk)
    assert fresh.id_number == ID_NUMBER and fresh.phone == PHONE
    # The status page finds it by the hash of the phone number, not by the number itself.
    assert services.find_objection(tracking_code=objection.tracking_code, phone="138 0013 8000") == fresh
    assert services.find_objection(tracking_code=objection.tracking_code, phone="13800138001") is None


def test_the_rate_limit_keys_hold_no_number(open_notice):
    from django.core.cache import cache

    _file(open_notice)
    services.check_rate(ip="10.0.0.9", phone=PHONE, id_number=ID_NUMBER)
    keys = [k.decode() for k in cache._cache.get_client().keys("*ratelimit*")]
    assert keys and not any(PHONE in k or ID_NUMBER in k for k in keys)


def test_masks():
    assert mask_id_number("440106199001011234") == "440106********1234"
    assert mask_id_number("H12345678") == "H1*****78"
    assert mask_phone(PHONE) == "138****8000"
    assert mask_phone("+85291234567") == "+852****4567"


def test_the_officer_sees_masked_numbers_and_reveals_them_with_an_audit_event(open_notice, user_named):
    objection = _file(open_notice)
    officer_client = Client()
    officer_client.force_login(user_named("gd_officer"))
    url = reverse("publicity:objection-manage", args=[objection.pk])
    page = officer_client.get(url).content.decode()
    assert "110105********002X" in page and "138****8000" in page
    assert ID_NUMBER not in page and PHONE not in page
    assert not AuditEvent.objects.filter(verb="objection.personal_data_revealed").exists()
    revealed = officer_client.post(url, {"_action": "reveal"})
    assert revealed.status_code == 200
    assert ID_NUMBER in revealed.content.decode() and PHONE in revealed.content.decode()
    event = AuditEvent.objects.get(verb="objection.personal_data_revealed")
    assert event.actor.username == "gd_officer" and event.target_id == str(objection.pk)
    # Anyone else: nothing, and nothing recorded.
    city = Client()
    city.force_login(user_named("city_gz"))
    assert city.post(url, {"_action": "reveal"}).status_code == 404
    assert AuditEvent.objects.filter(verb="objection.personal_data_revealed").count() == 1


def test_rotation_re_encrypts_every_value_with_the_new_key(open_notice, settings):
    objection = _file(open_notice)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_key")
    raw_id, raw_phone, _, _ = _raw(objection.pk)
    assert Fernet(new_key.encode()).decrypt(raw_id.encode()).decode() == ID_NUMBER
    assert Fernet(new_key.encode()).decrypt(raw_phone.encode()).decode() == PHONE
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key removed: everything still reads
    assert Objection.objects.get(pk=objection.pk).id_number == ID_NUMBER
    assert AuditEvent.objects.filter(verb="crypto.key_rotated").exists()


def test_numbers_are_erased_after_the_retention_period(open_notice, officer, frozen, settings):  # noqa: F811
    from datetime import datetime

    from tests.publicity.test_publicity import SHANGHAI

    objection = _file(open_notice)
    Designation.objects.create(call=open_notice.call, notice=open_notice, document_number="粤商务服字〔2026〕20号",
                               document_date=date(2027, 1, 15), title="认定", published_by=officer)
    assert settings.OBJECTOR_DATA_RETENTION_YEARS == 3
    frozen(datetime(2030, 1, 14, 9, 0, tzinfo=SHANGHAI))
    assert services.purge_objector_data() == 0
    assert Objection.objects.get(pk=objection.pk).id_number == ID_NUMBER
    frozen(datetime(2030, 1, 15, 9, 0, tzinfo=SHANGHAI))
    from publicity.tasks import purge_objector_data

    assert purge_objector_data.delay().get() == 1
    purged = Objection.objects.get(pk=objection.pk)
    assert purged.id_number == "" and purged.phone == "" and purged.personal_data_purged_at is not None
    assert purged.id_number_hash == "" and purged.phone_hash == ""
    assert purged.facts and purged.name  # the objection itself stays
    assert AuditEvent.objects.filter(verb="objection.personal_data_purged", data__objections=1).exists()
    assert services.purge_objector_data() == 0
    assert settings.CELERY_BEAT_SCHEDULE["purge-objector-data"]["task"] == "publicity.tasks.purge_objector_data"


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_holds_only_ciphertext(open_notice):
    objection = _file(open_notice, id_number="440106199001011234", phone="13912345678")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dump = subprocess.run(["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
                           "-U", db["USER"] or "postgres", db["NAME"]], env=env, capture_output=True, text=True,
                          timeout=120, check=True).stdout
    assert objection.tracking_code in dump  # the row is in the dump …
    assert "440106199001011234" not in dump and "13912345678" not in dump  # … its numbers are not
    assert _raw(objection.pk)[0] in dump
