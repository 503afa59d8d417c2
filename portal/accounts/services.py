"""Changes to accounts, organisations and memberships, each audited.

A system administrator manages people and roles from the portal's 系统管理 screens through these services.
None of them can set ``is_superuser``, ``is_staff``, groups or permissions: the Django admin is for
superusers created on the command line only. ``actor=None`` means the system itself (a management command,
the demo loader); any person acting must be a system administrator, and never on their own roles."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import Membership, Organization, Role, User
from portal.audit.services import record_event, refuse


def is_system_administrator(user) -> bool:
    from portal.accounts.selectors import roles_of

    return bool(user is not None and user.is_authenticated and user.is_active
                and (Role.SYSADMIN in roles_of(user) or user.is_superuser))


def _require_administrator(actor) -> None:
    if actor is not None and not is_system_administrator(actor):
        raise PermissionDenied


def _refuse_command_line_accounts(*, actor, user: User, verb: str, request=None) -> None:
    """Superusers and staff accounts are managed on the command line only (taking one over from the portal
    would be an escalation)."""
    if actor is not None and (user.is_superuser or user.is_staff):
        refuse(verb=verb, actor=actor, target=user, request=request, data={"why": "command_line_account"},
               message=_("This account is managed on the command line only."))


# --- users -----------------------------------------------------------------------------------------

@transaction.atomic
def create_user(*, username: str, full_name: str, email: str = "", phone: str = "", actor=None,
                request=None) -> User:
    """A new account with a random password nobody knows: the person sets theirs with "forgot password"."""
    _require_administrator(actor)
    user = User(username=username.strip(), full_name=full_name.strip(), email=email.strip(), phone=phone.strip())
    user.set_password(secrets.token_urlsafe(32))
    user.full_clean()
    user.save()
    record_event(verb="user.created", actor=actor, target=user, request=request,
                 data={"username": user.username})
    return user


def update_user(*, user: User, full_name: str, email: str, phone: str = "", actor=None, request=None) -> User:
    """A system administrator's audited change of a person's name, e-mail or phone (the old and new values
    are in the event)."""
    _require_administrator(actor)
    _refuse_command_line_accounts(actor=actor, user=user, verb="user.update_refused", request=request)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
        user.full_name, user.email, user.phone = full_name.strip(), email.strip(), phone.strip()
        user.full_clean()
        user.save(update_fields=["full_name", "email", "phone"])
        after = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changed:
            record_event(verb="user.updated", actor=actor, target=user, request=request, data=changed)
    return user


def set_user_active(*, user: User, active: bool, actor=None, request=None) -> User:
    """Deactivate (the person can no longer sign in; nothing is deleted) or reactivate an account."""
    _require_administrator(actor)
    if actor is not None and actor.pk == user.pk:
        refuse(verb="user.deactivate_refused", actor=actor, target=user, request=request, data={"why": "own_account"},
               message=_("You cannot deactivate your own account; another system administrator does it."))
    _refuse_command_line_accounts(actor=actor, user=user, verb="user.deactivate_refused", request=request)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active"])
            # Open sessions end with it: Django's ModelBackend no longer returns an inactive user.
            record_event(verb="user.reactivated" if active else "user.deactivated", actor=actor, target=user,
                         request=request)
    return user


# --- organisations ---------------------------------------------------------------------------------

ORGANIZATION_FIELDS = ("name", "kind", "region", "credit_code", "park_types")


@transaction.atomic
def save_organization(*, values: dict, organization: Organization | None = None, actor=None,
                      request=None) -> Organization:
    _require_administrator(actor)
    creating = organization is None
    organization = Organization() if creating else Organization.objects.select_for_update().get(pk=organization.pk)
    before = {k: str(getattr(organization, k) or "") for k in ORGANIZATION_FIELDS}
    for key in ORGANIZATION_FIELDS:
        if key == "region":
            organization.region = values.get("region")
        elif key == "park_types":
            organization.park_types = list(values.get("park_types") or [])
        else:
            setattr(organization, key, (values.get(key) or "").strip())
    organization.full_clean()
    organization.save()
    after = {k: str(getattr(organization, k) or "") for k in ORGANIZATION_FIELDS}
    record_event(verb="organization.created" if creating else "organization.updated", actor=actor,
                 target=organization, organization=organization, request=request,
                 data={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return organization


# --- memberships (roles) ---------------------------------------------------------------------------

def _check_grant(*, user: User, actor, verb: str, request, organization=None) -> None:
    _require_administrator(actor)
    if actor is not None and actor.pk == user.pk:
        refuse(verb="membership.refused", actor=actor, target=user, organization=organization, request=request,
               data={"why": "own_account", "attempt": verb},
               message=_("You cannot change your own roles; another system administrator does it."))
    _refuse_command_line_accounts(actor=actor, user=user, verb="membership.refused", request=request)


def add_membership(*, user: User, organization: Organization, role: str, actor=None,
                   request=None) -> Membership:
    """Grant a role (the only way, with remove_membership, that roles change). A role held before and removed
    is granted again on the same row."""
    _check_grant(user=user, actor=actor, verb="membership.added", request=request, organization=organization)
    with transaction.atomic():
        existing = Membership.objects.select_for_update().filter(
            user=user, organization=organization, role=role, is_active=False).first()
        if existing is not None:
            existing.is_active = True
            existing.save(update_fields=["is_active"])
            membership = existing
        else:
            membership = Membership(user=user, organization=organization, role=role)
            membership.full_clean()  # role fits the organisation kind; no duplicate
            membership.save()
        record_event(verb="membership.added", actor=actor, target=user, organization=organization,
                     data={"role": role}, request=request)
    return membership


def remove_membership(*, membership: Membership, actor=None, request=None) -> Membership:
    """The audited counterpart of add_membership: the role is withdrawn (the row stays, inactive, so that the
    history of who held what stays readable)."""
    _check_grant(user=membership.user, actor=actor, verb="membership.removed", request=request,
                 organization=membership.organization)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user", "organization").get(
            pk=membership.pk)
        if not membership.is_active:
            raise ValidationError(_("This role has already been removed."))
        if membership.role == Role.SYSADMIN and not Membership.objects.filter(
                role=Role.SYSADMIN, is_active=True, user__is_active=True).exclude(pk=membership.pk).exists():
            raise ValidationError(_("The last system administrator cannot be removed."))
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        record_event(verb="membership.removed", actor=actor, target=membership.user,
                     organization=membership.organization, data={"role": membership.role}, request=request)
    return membership
