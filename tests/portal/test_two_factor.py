"""Two-factor sign-in for staff roles; staff sessions expire after inactivity."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.demo import DEMO_PASSWORD
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.PORTAL_REQUIRE_2FA = True


def _sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client.get(reverse("workspace"))


def _code(user):
    device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_city_reviewer_must_enrol_then_verify(demo, client, user_named):
    response = _sign_in(client, "city_gz")
    workspace = client.get(reverse("workspace-city"))
    assert workspace.status_code == 302 and workspace["Location"].startswith(reverse("two-factor"))
    page = client.get(reverse("two-factor"))
    assert 'data-testid="qr"' in page.content.decode() and "<svg" in page.content.decode()
    assert client.post(reverse("two-factor"), {"token": "000000"}).status_code == 400
    time.sleep(1.2)  # django-otp throttles a device for a second after a wrong code
    user = user_named("city_gz")
    done = client.post(reverse("two-factor"), {"token": _code(user)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("workspace-city")).status_code == 200
    assert AuditEvent.objects.filter(verb="2fa.enrolled", target_id=str(user.pk)).exists()
    # Next time: password, then a code (a recovery code works once).
    client.post(reverse("logout"))
    _sign_in(client, "city_gz")
    assert client.get(reverse("workspace-city")).status_code == 302
    assert client.post(reverse("two-factor"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("workspace-city")).status_code == 200
    client.post(reverse("logout"))
    _sign_in(client, "city_gz")
    assert client.post(reverse("two-factor"), {"token": codes[0]}).status_code == 400
    del response


def test_a_park_is_not_forced_but_may_enable_it(demo, client, user_named):
    _sign_in(client, "park_pazhou")
    assert client.get(reverse("workspace-park")).status_code == 200
    client.get(reverse("two-factor"))
    client.post(reverse("two-factor"), {"token": _code(user_named("park_pazhou"))})
    client.post(reverse("logout"))
    _sign_in(client, "park_pazhou")
    assert client.get(reverse("workspace-park")).status_code == 302  # now it asks


def test_a_system_administrator_resets_a_lost_device(demo, client, client_for, user_named):
    _sign_in(client, "expert_chen")
    client.get(reverse("two-factor"))
    client.post(reverse("two-factor"), {"token": _code(user_named("expert_chen"))})
    expert = user_named("expert_chen")
    assert TOTPDevice.objects.filter(user=expert, confirmed=True).exists()
    assert client.post(reverse("two-factor-reset", args=[expert.pk])).status_code == 403  # not theirs to do
    admin = client_for("sysadmin")
    session = admin.session
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user_named("sysadmin"), name="x", confirmed=True)
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert admin.post(reverse("two-factor-reset", args=[expert.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=expert).exists()
    assert AuditEvent.objects.filter(verb="2fa.reset", target_id=str(expert.pk)).exists()


def test_staff_sessions_expire_after_thirty_minutes_of_inactivity_parks_after_two_hours(demo, client, settings):
    settings.PORTAL_REQUIRE_2FA = False
    _sign_in(client, "gd_officer")
    client.get(reverse("workspace-province"))
    assert client.session.get_expiry_age() == 1800
    park = type(client)()
    _sign_in(park, "park_pazhou")
    assert park.session.get_expiry_age() == settings.PARK_SESSION_IDLE_SECONDS == 7200  # issue 12: parks too
