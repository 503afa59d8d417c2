"""Changes to accounts and memberships, each audited."""

from django.db import transaction

from portal.accounts.models import Membership, Organization, Role, User
from portal.audit.services import record_event


@transaction.atomic
def add_membership(*, user: User, organization: Organization, role: str, actor=None,
                   request=None) -> Membership:
    membership = Membership(user=user, organization=organization, role=role)
    membership.full_clean()  # role fits the organisation kind; no duplicate
    membership.save()
    record_event(verb="membership.added", actor=actor, target=user, organization=organization,
                 data={"role": role}, request=request)
    if role == Role.SYSADMIN:
        grant_system_administration(user=user)
    return membership


SYSADMIN_GROUP = "系统管理员"
SYSADMIN_APP_LABELS = ("accounts", "audit", "axes", "otp_totp", "otp_static", "notifications", "workdays")


def grant_system_administration(*, user: User) -> None:
    """Staff access to the admin with the model permissions of a system administrator.

    Not a superuser: a system administrator manages accounts and reads the audit log, but does
    not thereby hold any business role.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=SYSADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=SYSADMIN_APP_LABELS))
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
