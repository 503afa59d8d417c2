"""Read paths of the audit log: an object's history, and the history an audience may see."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from portal.audit.models import AuditEvent
from portal.audit.verbs import verb_label


def history_of(obj):
    """The audit events about one object, newest first (every event: for checks and full audiences)."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )
        .select_related("actor", "organization")
        .order_by("-created_at", "-id")
    )


# Who reads a history. ORGANISER (the organiser of the call, a system administrator) sees everything,
# with people and IP addresses. OFFICIAL (recommending unit, co-departments) sees no expert's work and no
# IP address. PARK sees its own organisation's events (without downloads) and the decisions addressed to
# it, with the deciding body instead of a person: never an expert, never who downloaded what, never an IP.
ORGANISER, OFFICIAL, PARK = "organiser", "official", "park"

# Work of experts: shown to organisers only.
EXPERT_VERBS = ("sheet.", "assignment.", "panel.", "conflict.", "conflicts.", "expert.", "rubric.")
DOWNLOAD_VERBS = ("application.attachment_downloaded", "application.dossier_downloaded",
                  "recommendation.letter_downloaded", "objection.file_downloaded", "objection.viewed",
                  "ranking.exported", "monitoring.reports_exported")
# The decisions addressed to a park: returned, approved (or not), recommended, passed the formal check,
# candidate, designated.
PARK_DECISION_VERBS = ("review.return", "review.approve", "review.reject", "recommendation.sent",
                       "formal_check.pass", "formal_check.return", "candidates.proposed", "designation.published")


@dataclass(frozen=True)
class Audience:
    kind: str
    organization_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class HistoryRow:
    created_at: datetime
    actor: str
    action: str
    ip_address: str | None


def _starts(verbs: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for verb in verbs:
        q |= Q(verb__startswith=verb) if verb.endswith(".") else Q(verb=verb)
    return q


def history_visible_to(obj, audience: Audience, *, related: Q | None = None, limit: int = 100) -> list[HistoryRow]:
    """The history of ``obj`` as ``audience`` may see it, newest first, at most ``limit`` rows, in one query.

    ``related``: events about other objects that belong in this history (e.g. the recommendation letter or
    the candidate list that names an application); they pass the same audience filter. Every history
    view uses this selector (templates/audit/_history.html renders its rows)."""
    where = Q(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
    if related is not None:
        where |= related
    events = AuditEvent.objects.filter(where)
    if audience.kind == PARK:
        own = Q(organization_id__in=audience.organization_ids) & ~_starts(EXPERT_VERBS) & ~Q(verb__in=DOWNLOAD_VERBS)
        events = events.filter(own | Q(verb__in=PARK_DECISION_VERBS))
    elif audience.kind != ORGANISER:
        events = events.exclude(_starts(EXPERT_VERBS)).exclude(verb__in=DOWNLOAD_VERBS)
    events = events.select_related("actor", "organization").order_by("-created_at", "-id")[:limit]
    rows = []
    for event in events:
        if audience.kind == PARK and event.organization_id not in audience.organization_ids:
            actor = event.organization.name if event.organization else "—"
        else:
            actor = event.actor.display_name if event.actor else "—"
        rows.append(HistoryRow(created_at=event.created_at, actor=actor, action=verb_label(event.verb),
                               ip_address=event.ip_address if audience.kind == ORGANISER else None))
    return rows


def audit_log(*, verb: str = "", actor: str = "", target_type_id: int | None = None, target: str = "",
              date_from=None, date_to=None):
    """The whole log for the system administrator's screen, filtered, newest first (pages of it run a
    constant number of queries: actor, organisation and object type are joined)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    events = AuditEvent.objects.select_related("actor", "organization", "target_type")
    if verb:
        events = events.filter(verb=verb)
    if actor:
        events = events.filter(Q(actor__username=actor) | Q(actor__full_name__icontains=actor))
    if target_type_id:
        events = events.filter(target_type_id=target_type_id)
    if target:
        events = events.filter(Q(target_id=target) | Q(target_repr__icontains=target))
    zone = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        events = events.filter(created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    return events.order_by("-created_at", "-id")
