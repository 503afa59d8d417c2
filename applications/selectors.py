"""Read paths for calls and applications."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from applications.dossier import CONDITIONS_KEY, SECTIONS
from applications.models import Application, ApplicationVersion, Attachment, Call, CallDocument, DossierSection
from portal.accounts.models import Membership, Organization, Role
from portal.accounts.selectors import organizations_for_role


def open_calls() -> QuerySet[Call]:
    return Call.objects.filter(status=Call.Status.OPEN, park_deadline__gt=timezone.now()) \
        .select_related("organiser", "region").order_by("park_deadline")


def public_calls() -> QuerySet[Call]:
    """Every call the public may read (never drafts), newest deadline first, with its public documents."""
    return Call.objects.exclude(status=Call.Status.DRAFT).select_related("organiser", "region").prefetch_related(
        Prefetch("documents", queryset=CallDocument.objects.order_by("kind", "uploaded_at", "pk"))) \
        .order_by("-park_deadline", "-pk")


def open_calls_for_park(park: Organization) -> list[Call]:
    from applications.services import call_accepts_park

    return [c for c in open_calls() if call_accepts_park(c, park)]


def calls_managed_by(user) -> QuerySet[Call]:
    orgs = organizations_for_role(user, Role.PROVINCIAL_OFFICER)
    return Call.objects.filter(organiser__in=orgs).select_related("organiser", "region") \
        .order_by("-park_deadline", "-id")


def parks_of(user) -> list[Organization]:
    return organizations_for_role(user, Role.PARK_ADMIN)


def applications_of_parks(parks) -> QuerySet[Application]:
    return Application.objects.filter(park__in=parks).select_related("call", "park") \
        .order_by("-updated_at", "-id")


def application_for_view(pk: int) -> Application:
    return Application.objects.select_related(
        "call__organiser", "call__region", "park__region__parent").get(pk=pk)


def sections_of(application: Application) -> dict[str, DossierSection]:
    """Every section of the outline; a section without its row (data recorded before the portal
    existed) reads as empty rather than failing the page."""
    found = {s.key: s for s in DossierSection.objects.filter(application=application)}
    return {s.key: found.get(s.key) or DossierSection(application=application, key=s.key) for s in SECTIONS}


def merged_data(sections: dict[str, DossierSection]) -> dict:
    """All sections' saved fields in one dict (the field names do not overlap)."""
    merged: dict = {}
    for key, section in sections.items():
        if key != CONDITIONS_KEY:
            merged.update(section.data or {})
    return merged


def active_attachments(application: Application) -> QuerySet[Attachment]:
    return Attachment.objects.filter(application=application, removed_at__isnull=True) \
        .order_by("category", "uploaded_at", "id")


def versions_of(application: Application) -> QuerySet[ApplicationVersion]:
    return ApplicationVersion.objects.filter(application=application).select_related("submitted_by") \
        .prefetch_related(Prefetch("exports")).order_by("-number")


def attachment_in_a_version(attachment: Attachment) -> bool:
    return any(a.get("id") == attachment.pk
               for attachments in ApplicationVersion.objects.filter(
                   application_id=attachment.application_id).values_list("attachments", flat=True)
               for a in attachments)


def park_memberships_for_application(application: Application) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=application.park, role=Role.PARK_ADMIN,
                                     is_active=True).select_related("user")


def latest_version(application: Application) -> ApplicationVersion:
    return ApplicationVersion.objects.get(application=application, number=application.latest_version_number)


def history_audience(user, application: Application):
    """Which history of the application ``user`` reads: the organiser (and a system administrator) all of it,
    the park its own, the recommending unit and co-departments the officials' (see portal.audit.selectors)."""
    from portal.accounts.rules import is_sysadmin
    from portal.accounts.selectors import memberships_of
    from portal.audit.selectors import OFFICIAL, ORGANISER, PARK, Audience

    if user.has_perm("applications.manage_call", application.call) or is_sysadmin(user):
        return Audience(ORGANISER)
    if user.has_perm("applications.view_draft", application):
        return Audience(PARK, frozenset(m.organization_id for m in memberships_of(user)))
    return Audience(OFFICIAL)


def application_history(user, application: Application, *, limit: int = 100):
    """The application's history for ``user``: its own events, and the call's decisions that name it
    (recommended in a letter, proposed as a candidate, designated)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from portal.audit.selectors import history_visible_to

    call_type = ContentType.objects.get_for_model(Call)
    related = (Q(verb__in=("recommendation.sent", "candidates.proposed"), data__applications__contains=[application.pk])
               | Q(verb="designation.published", target_type=call_type, target_id=str(application.call_id)))
    return history_visible_to(application, history_audience(user, application), related=related, limit=limit)
