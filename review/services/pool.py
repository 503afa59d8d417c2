"""The expert pool (专家库): experts one by one or by import, and panels."""


import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Call
from portal.accounts.models import Membership, Organization, Role, User
from portal.audit.services import record_event
from review.models import (
    ExpertProfile,
    Panel,
)
from review.services._common import _organiser_of

# --- experts -------------------------------------------------------------------------------------



def expert_account_refusal(username: str) -> str | None:
    """Why an existing account named ``username`` may not be written by an expert import, or None.

    An import creates new expert accounts or updates experts already in the pool. Any other existing
    account (a park administrator, an officer, a system administrator, a superuser, or an expert who
    also holds another role) belongs to someone else: writing its e-mail would let a password reset
    take it over."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    in_pool = (ExpertProfile.objects.filter(user=user).exists()
               or Membership.objects.filter(user=user, role=Role.EXPERT).exists())
    other_roles = Membership.objects.filter(user=user).exclude(role=Role.EXPERT).exists()
    if not in_pool or other_roles or user.is_superuser or user.is_staff:
        return _("The username is already used by another account.")
    return None


@transaction.atomic
def save_expert(*, user_values: dict, profile_values: dict, actor, request=None) -> tuple[ExpertProfile, bool]:
    """Create an expert (user, profile, expert membership at the employer) or update the profile of an
    expert already in the pool.

    Never touches another account: a username that names any other existing user is refused. The name
    and e-mail of an existing account are not changed here (only by the person or by a system
    administrator's audited action)."""
    if actor is None or not actor.has_perm("applications.add_call"):
        raise PermissionDenied
    username = user_values["username"]
    refusal = expert_account_refusal(username)
    if refusal:
        raise ValidationError({"username": refusal}, code="username_taken")
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if created:
        # A random password nobody knows: the expert sets their own through "forgot password" (Django sends
        # no reset email to an account with an unusable password).
        user = User(username=username, full_name=user_values["full_name"], email=user_values.get("email", ""))
        user.set_password(secrets.token_urlsafe(32))
        user.save()
    employer = profile_values["employer"]
    profile, _created = ExpertProfile.objects.update_or_create(user=user, defaults=profile_values)
    Membership.objects.get_or_create(user=user, organization=employer, role=Role.EXPERT)
    record_event(verb="expert.created" if created else "expert.updated", actor=actor, target=profile,
                 organization=employer, request=request)
    return profile, created


def import_experts(*, rows: list[dict], actor, request=None) -> dict:
    """All or nothing: every row is checked first; if one is refused, nothing is written.

    Returns {"ok": bool, "rows": [{"row", "username", "result", "message"}]}."""
    from review.imports import check_expert_row

    if actor is None or not actor.has_perm("applications.add_call"):
        raise PermissionDenied
    report = []
    checked = []
    taken: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        values, errors = check_expert_row(row)
        username = (row.get("username") or "").strip()
        if username and username in seen:
            errors.append(_("The username appears twice in the file."))
        seen.add(username)
        existing = User.objects.filter(username=username).first() if username else None
        notes = []
        if existing is not None and expert_account_refusal(username):
            errors.append(_("The username is already used by another account."))
            taken.append(username)
        elif existing is not None and (existing.full_name != values["full_name"]
                                       or existing.email != values["email"]):
            notes.append(_("Name and e-mail of an existing account are not changed by an import."))
        report.append({"row": number, "username": username,
                       "result": "refused" if errors else ("updated" if existing else "created"),
                       "message": "；".join(str(e) for e in errors or notes)})
        checked.append(values)
    ok = all(r["result"] != "refused" for r in report)
    if ok:
        with transaction.atomic():
            for values in checked:
                employer, _new = Organization.objects.get_or_create(
                    name=values["employer_name"],
                    defaults={"kind": Organization.Kind.OTHER, "region": values["region"]})
                profile = {k: values[k] for k in ("title", "region", "specialties", "phone",
                                                  "declared_relations", "max_load", "is_active")}
                profile["employer"] = employer
                save_expert(user_values={"username": values["username"], "full_name": values["full_name"],
                                         "email": values["email"]},
                            profile_values=profile, actor=actor, request=request)
    else:
        for r in report:
            if r["result"] != "refused":
                r["result"] = "not_imported"
    record_event(verb="expert.import", actor=actor, data={"ok": ok, "rows": len(rows), "refused_accounts": taken},
                 request=request)
    return {"ok": ok, "rows": report}


@transaction.atomic
def save_panel(*, call: Call, user, name: str, leader: ExpertProfile | None, members, request=None) -> Panel:
    _organiser_of(user, call)
    members = list(members)
    if leader and leader not in members:
        members.append(leader)
    panel, _new = Panel.objects.update_or_create(call=call, name=name, defaults={"leader": leader})
    panel.members.set(members)
    record_event(verb="panel.saved", actor=user, target=panel, organization=call.organiser,
                 data={"members": [m.pk for m in members], "leader": leader.pk if leader else None},
                 request=request)
    return panel
