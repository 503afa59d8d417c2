"""One client address for audit, objection limits and sign-in lockout: X-Forwarded-For only from TRUSTED_PROXIES."""

from datetime import datetime

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.accounts.demo import DEMO_PASSWORD
from portal.audit.services import record_event
from portal.clientip import client_ip
from publicity.models import Objection
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


def _meta(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_forged_header_changes_nothing(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_meta("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_ip(_meta("203.0.113.7", "not-an-ip")) == "203.0.113.7"
    assert client_ip(_meta("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_ip(_meta("garbage")) is None
    assert client_ip(None) is None


def test_behind_a_trusted_proxy_the_real_client_is_used(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # nginx sets X-Forwarded-For to $remote_addr: one entry, the client's.
    assert client_ip(_meta("10.0.0.5", "198.51.100.1")) == "198.51.100.1"
    # A client that prepends a forged entry gets its own address, the one the trusted proxy appended.
    assert client_ip(_meta("10.0.0.5", "192.0.2.99, 198.51.100.1")) == "198.51.100.1"
    # Two trusted hops (gateway and nginx): the address before them.
    assert client_ip(_meta("10.0.0.5", "198.51.100.1, 10.0.0.9")) == "198.51.100.1"
    # The header from a connection that is not a trusted proxy is ignored.
    assert client_ip(_meta("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    # What a trusted proxy wrote is not an address: the proxy's own address, never what the client typed.
    assert client_ip(_meta("10.0.0.5", "<script>")) == "10.0.0.5"
    assert client_ip(_meta("10.0.0.5", "")) == "10.0.0.5"
    assert client_ip(_meta("10.0.0.5", "10.0.0.6")) == "10.0.0.5"


def test_the_audit_log_records_the_same_address(settings, user_named):
    user = user_named("gd_officer")
    settings.TRUSTED_PROXIES = []
    request = _meta("203.0.113.7", "198.51.100.1")
    request.user = user
    assert record_event(verb="x.forged", request=request).ip_address == "203.0.113.7"
    settings.TRUSTED_PROXIES = ["203.0.113.0/24"]
    assert record_event(verb="x.proxied", request=request).ip_address == "198.51.100.1"


def _object(client, notice, phone, forwarded):
    return client.post(reverse("publicity:object", args=[notice.pk]), _objection_data(notice, phone=phone),
                       HTTP_X_FORWARDED_FOR=forwarded)


def test_a_forged_header_does_not_escape_the_objection_limit(published, frozen, settings):  # noqa: F811
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    settings.TRUSTED_PROXIES = []
    settings.OBJECTION_RATE_LIMITS = {**settings.OBJECTION_RATE_LIMITS, "per_ip_per_hour": 2}
    client = Client()
    assert _object(client, published, "13800138001", "198.51.100.1").status_code == 302
    assert _object(client, published, "13800138002", "198.51.100.2").status_code == 302
    response = _object(client, published, "13800138003", "198.51.100.3")
    assert response.status_code == 429
    assert Objection.objects.count() == 2
    assert set(Objection.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_the_proxy_the_objection_limit_is_per_real_client(published, frozen, settings):  # noqa: F811
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client connects from 127.0.0.1, as nginx on loopback
    settings.OBJECTION_RATE_LIMITS = {**settings.OBJECTION_RATE_LIMITS, "per_ip_per_hour": 2}
    client = Client()
    assert _object(client, published, "13800138001", "198.51.100.1").status_code == 302
    assert _object(client, published, "13800138002", "198.51.100.1").status_code == 302
    assert _object(client, published, "13800138003", "198.51.100.1").status_code == 429
    # Another citizen behind the same proxy is not refused.
    assert _object(client, published, "13800138004", "198.51.100.2").status_code == 302
    assert sorted(Objection.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"] * 2 + ["198.51.100.2"]


def _login(client, username, password, forwarded):
    return client.post(reverse("login"), {"username": username, "password": password},
                       HTTP_X_FORWARDED_FOR=forwarded)


def test_wrong_passwords_from_other_clients_do_not_lock_the_account_for_everybody(demo, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(1, 6):
        assert _login(Client(), "park_pazhou", "wrong-password", f"198.51.100.{n}").status_code == 200
    owner = Client()
    response = _login(owner, "park_pazhou", DEMO_PASSWORD, "203.0.113.50")
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session
    # One client that fails five times is locked out, from its own address only.
    for _ in range(4):
        assert _login(Client(), "park_huangpu", "wrong-password", "198.51.100.77").status_code == 200
    assert _login(Client(), "park_huangpu", "wrong-password", "198.51.100.77").status_code == 429
    assert _login(Client(), "park_huangpu", DEMO_PASSWORD, "198.51.100.77").status_code == 429
    assert _login(Client(), "park_huangpu", DEMO_PASSWORD, "198.51.100.78").status_code == 302


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lockout(demo, settings):
    settings.TRUSTED_PROXIES = []
    for n in range(1, 5):
        assert _login(Client(), "park_pazhou", "wrong-password", f"198.51.100.{n}").status_code == 200
    assert _login(Client(), "park_pazhou", "wrong-password", "198.51.100.5").status_code == 429
    assert _login(Client(), "park_pazhou", DEMO_PASSWORD, "198.51.100.6").status_code == 429
