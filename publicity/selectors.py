from django.db.models import Count, Prefetch, Q, QuerySet

from publicity.models import Designation, Notice, NoticeItem, Objection


def public_notices() -> QuerySet[Notice]:
    """Every notice the public may read: published, closed or withdrawn (never drafts)."""
    return Notice.objects.exclude(status=Notice.Status.DRAFT).select_related("call__organiser").prefetch_related(
        Prefetch("items", queryset=NoticeItem.objects.order_by("order"))).order_by("-publication_date", "-pk")


def current_notices(now=None) -> QuerySet[Notice]:
    """Notices whose window has not ended (decided by time, not by the beat task)."""
    from django.utils import timezone

    return public_notices().filter(status=Notice.Status.PUBLISHED).filter(
        Q(closes_at__isnull=True) | Q(closes_at__gte=now or timezone.now()))


def objections_of(notice: Notice) -> QuerySet[Objection]:
    return Objection.objects.filter(notice=notice).select_related("item", "notice").annotate(
        files_count=Count("files")).order_by("-created_at")


def designation_of(call) -> Designation | None:
    return Designation.objects.filter(call=call).first()


def countersign_rows(designation: Designation) -> list[tuple]:
    """(co-issuing department, its countersignature or None) for each co-issuer of the call."""
    given = {c.organization_id: c for c in designation.countersigns.select_related("signed_by")}
    return [(org, given.get(org.pk)) for org in designation.call.co_issuers.order_by("name")]


def designations_awaiting(user) -> list[Designation]:
    """Drafted designation documents whose 会签 by one of ``user``'s departments is still missing."""
    from portal.accounts.models import Role
    from portal.accounts.selectors import memberships_of

    orgs = {m.organization_id for m in memberships_of(user) if m.role == Role.PROVINCIAL_COREVIEWER}
    if not orgs:
        return []
    drafts = Designation.objects.filter(status=Designation.Status.COUNTERSIGNING, call__co_issuers__in=orgs) \
        .select_related("call").prefetch_related("countersigns", "call__co_issuers").distinct()
    return [d for d in drafts if {o.pk for o in d.call.co_issuers.all() if o.pk in orgs}
            - {c.organization_id for c in d.countersigns.all()}]


def undecided_count(notice: Notice) -> int:
    return notice.objections.filter(~Q(status=Objection.Status.DECIDED)).count()
