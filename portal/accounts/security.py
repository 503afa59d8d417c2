"""Who must use two-factor sign-in, and the devices behind it (django-otp TOTP + recovery codes)."""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import Role
from portal.accounts.selectors import roles_of
from portal.audit.services import record_event

STAFF_ROLES = {Role.CITY_REVIEWER, Role.CITY_COREVIEWER, Role.PROVINCIAL_OFFICER, Role.PROVINCIAL_COREVIEWER,
               Role.EXPERT, Role.SYSADMIN}
RECOVERY_CODES = 10


def is_staff_role(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES) or user.is_superuser


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def requires_two_factor(user) -> bool:
    """Staff roles when PORTAL_REQUIRE_2FA is on, parks when PORTAL_REQUIRE_2FA_PARKS is on; anyone who has
    enrolled a device."""
    if not user.is_authenticated:
        return False
    if settings.PORTAL_REQUIRE_2FA and is_staff_role(user):
        return True
    if settings.PORTAL_REQUIRE_2FA_PARKS and Role.PARK_ADMIN in roles_of(user):
        return True
    return has_confirmed_device(user)


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: created once, confirmed when the first code is right."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_enrolment(*, user, device: TOTPDevice, token: str, request=None) -> list[str] | None:
    """Confirm the device with a first code; returns fresh recovery codes, or None if the code is wrong."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    record_event(verb="2fa.enrolled", actor=user, target=user, request=request)
    return codes


def verify(user, token: str):
    """The device that accepts ``token`` (an authenticator code or a recovery code), or None."""
    token = (token or "").strip().replace(" ", "")
    for device in list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
            StaticDevice.objects.filter(user=user, confirmed=True)):
        if device.verify_token(token):
            return device
    return None


def is_verified(user) -> bool:
    """The session was confirmed with a second factor (django-otp's middleware sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def reset_two_factor(*, user, actor, request=None) -> None:
    """A system administrator removes another user's devices (lost phone); the user enrols again.

    Needs a session of a system administrator verified with a second factor, and never one's own
    account (another administrator does it): a stolen password alone cannot remove the second factor."""
    from django.utils.translation import gettext as _

    from portal.audit.services import refuse

    if not (actor.is_superuser or Role.SYSADMIN in roles_of(actor)):
        refuse(verb="2fa.reset_refused", actor=actor, target=user, request=request, data={"why": "not_sysadmin"},
               message=_("Only a system administrator may reset two-factor sign-in."))
    if actor.pk == user.pk:
        refuse(verb="2fa.reset_refused", actor=actor, target=user, request=request, data={"why": "own_account"},
               message=_("You cannot reset your own two-factor sign-in; another system administrator does it."))
    if not is_verified(actor):
        refuse(verb="2fa.reset_refused", actor=actor, target=user, request=request, data={"why": "not_verified"},
               message=_("Sign in with your second factor before resetting anyone's two-factor sign-in."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_event(verb="2fa.reset", actor=actor, target=user, request=request)
