"""Conflicts of interest (回避) and the assignment of experts: by hand or by random draw (随机抽取)."""


import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Call
from applications.selectors import latest_version
from portal.accounts.models import Membership, Role
from portal.audit.services import record_event
from portal.notifications.services import notify
from portal.workflow import enter, in_group, perform
from review import assignment as solver
from review.models import (
    AlternateExpert,
    Assignment,
    Conflict,
    ExpertDraw,
    ExpertProfile,
    ScoreSheet,
    Specialty,
)
from review.selectors import experts as expert_selectors
from review.services._common import _organiser_of
from review.services.scoring import ensure_default_rubric

# --- conflicts -----------------------------------------------------------------------------------

def _normal(name: str) -> str:
    return "".join(ch for ch in (name or "") if ch.isalnum()).lower()


def suggested_conflicts(application: Application, version_data: dict, expert: ExpertProfile) -> list[tuple]:
    """(kind, detail) reasons why this expert should not review this application."""
    reasons = []
    park = application.park
    leaders = [r.get("name", "") for r in (version_data.get("advantages", {}).get("leading_enterprises") or [])]
    employer = expert.employer
    if employer.pk == park.pk or _normal(employer.name) == _normal(park.name):
        reasons.append((Conflict.Kind.EMPLOYER_IS_PARK, employer.name))
    for leader in leaders:
        if leader and _normal(leader) == _normal(employer.name):
            reasons.append((Conflict.Kind.EMPLOYER_IS_LEADING_ENTERPRISE, leader))
    expert_city = expert.region_id or employer.region_id
    if expert_city and expert_city == park.region_id:
        reasons.append((Conflict.Kind.SAME_CITY, park.region.name if park.region else ""))
    relations = {_normal(r): r for r in expert.relation_names}
    for candidate in [park.name, *leaders]:
        if candidate and _normal(candidate) in relations:
            reasons.append((Conflict.Kind.DECLARED_RELATION, relations[_normal(candidate)]))
    return reasons


@transaction.atomic
def detect_conflicts(*, call: Call, user=None, request=None) -> int:
    """Store suggested conflicts for every expert × application of the call. A conflict already
    stored (confirmed or dismissed) keeps its status: a dismissed one does not come back."""
    if user is not None:
        _organiser_of(user, call)
    experts = list(expert_selectors.expert_pool())
    existing = set(Conflict.objects.filter(application__call=call).values_list("expert_id", "application_id",
                                                                               "kind"))
    new = []
    for application in expert_selectors.applications_for_review(call):
        data = latest_version(application).data
        for expert in experts:
            for kind, detail in suggested_conflicts(application, data, expert):
                if (expert.pk, application.pk, kind) not in existing:
                    existing.add((expert.pk, application.pk, kind))
                    new.append(Conflict(expert=expert, application=application, kind=kind, detail=detail[:300]))
    Conflict.objects.bulk_create(new)
    record_event(verb="conflicts.detected", actor=user, target=call, organization=call.organiser,
                 data={"new": len(new)}, request=request)
    return len(new)


def _remove_assignment(assignment: Assignment, *, user, reason: str, request=None) -> None:
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    if sheet and sheet.status == ScoreSheet.Status.SUBMITTED:
        raise ValidationError(_("The expert has already submitted a score sheet for this application."))
    if sheet:
        sheet.delete()
    record_event(verb="assignment.removed", actor=user, target=assignment.application,
                 organization=assignment.call.organiser,
                 data={"expert": assignment.expert_id, "reason": reason}, request=request)
    assignment.delete()


@transaction.atomic
def decide_conflict(*, conflict: Conflict, user, confirm: bool, request=None) -> Conflict:
    conflict = Conflict.objects.select_for_update().select_related("application__call").get(pk=conflict.pk)
    _organiser_of(user, conflict.application.call)
    if confirm:  # a suggested conflict blocks already: the alternates drawn exclude the expert
        for assignment in Assignment.objects.filter(expert=conflict.expert, application=conflict.application):
            _remove_assignment(assignment, user=user, reason="conflict confirmed", request=request)
            _replace_from_alternates(call=conflict.application.call, application=conflict.application,
                                     replaced=conflict.expert, actor=user, request=request)
    conflict.decided_by = user
    conflict.decided_at = timezone.now()
    perform(conflict, "confirm" if confirm else "dismiss", user=user, request=request,
            organization=conflict.application.call.organiser,
            data={"expert": conflict.expert_id, "kind": conflict.kind})
    return conflict


# --- assignment ----------------------------------------------------------------------------------

TOPIC_KEYWORDS = {
    Specialty.SOFTWARE: ("软件", "信息技术", "信息服务"),
    Specialty.AI: ("人工智能", "智能"),
    Specialty.CLOUD: ("云",),
    Specialty.DATA: ("数据",),
    Specialty.DIGITAL_CONTENT: ("数字创意", "游戏", "动漫", "文化", "内容", "音乐"),
    Specialty.ECOMMERCE: ("电子商务", "电商", "跨境"),
    Specialty.OUTSOURCING: ("外包",),
    Specialty.CYBERSECURITY: ("网络安全", "安全"),
    Specialty.FINANCE: ("金融",),
}


def topics_of(version_data: dict) -> frozenset[str]:
    text = " ".join(
        f"{r.get('name', '')} {r.get('description', '')}"
        for r in (version_data.get("overview", {}).get("key_industries") or []))
    text += " ".join(r.get("field", "") for r in (version_data.get("advantages", {}).get("leading_enterprises")
                                                   or []))
    topics = {str(s) for s, words in TOPIC_KEYWORDS.items() if any(w in text for w in words)}
    return frozenset(topics | {str(Specialty.TRADE_POLICY)})


def _eligible_experts(call: Call) -> list[ExpertProfile]:
    members = ExpertProfile.objects.filter(panels__call=call, is_active=True).distinct()
    pool = members if members.exists() else expert_selectors.expert_pool(active_only=True)
    return list(pool.select_related("user"))


def _create_assignments(call: Call, pairs, *, user, method: str, request=None, actor=None,
                        extra: dict | None = None) -> list[Assignment]:
    ensure_default_rubric(call)  # experts always have criteria to score
    versions = {a.pk: latest_version(a) for a in Application.objects.filter(pk__in={p[0] for p in pairs})}
    created = Assignment.objects.bulk_create([
        Assignment(call=call, application_id=app_id, expert_id=expert_id, version=versions[app_id],
                   method=method, assigned_by=user, deadline=call.scoring_deadline)
        for app_id, expert_id in pairs])
    by_expert: dict[int, int] = {}
    for _app_id, expert_id in pairs:
        by_expert[expert_id] = by_expert.get(expert_id, 0) + 1
    experts = ExpertProfile.objects.filter(pk__in=by_expert).select_related("user")
    deadline = timezone.localtime(call.scoring_deadline) if call.scoring_deadline else None
    for expert in experts:
        notify(recipients=[expert.user],
               title=_("%(n)s dossier(s) assigned to you for review") % {"n": by_expert[expert.pk]},
               body=_("Call: %(call)s. Deadline: %(deadline)s.") % {
                   "call": call.title,
                   "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日 {deadline:%H:%M}"
                   if deadline else _("not set")},
               link=reverse("workspace-expert"))
    record_event(verb=f"assignment.{method}", actor=actor or user, target=call, organization=call.organiser,
                 data={"pairs": [list(p) for p in pairs], **(extra or {})}, request=request)
    return created


@transaction.atomic
def assign_manually(*, application: Application, experts, user, request=None) -> list[Assignment]:
    application = Application.objects.select_related("call", "park").get(pk=application.pk)
    call = application.call
    _organiser_of(user, call)
    if not in_group(application, "rankable"):
        raise ValidationError(_("Only applications that passed the formal check are assigned."))
    blocked = expert_selectors.blocking_pairs(call)
    loads = expert_selectors.loads(call)
    already = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    pairs = []
    for expert in experts:
        if (application.pk, expert.pk) in blocked:
            raise ValidationError(_("%(expert)s has a conflict of interest with %(park)s and cannot be assigned.")
                                  % {"expert": expert, "park": application.park.name}, code="conflict")
        if not expert.is_active:
            raise ValidationError(_("%(expert)s is not active.") % {"expert": expert})
        if expert.pk in already:
            continue
        if loads.get(expert.pk, 0) >= expert.max_load:
            raise ValidationError(_("%(expert)s already has the maximum load (%(n)s).")
                                  % {"expert": expert, "n": expert.max_load}, code="load")
        pairs.append((application.pk, expert.pk))
    return _create_assignments(call, pairs, user=user, method=Assignment.Method.MANUAL, request=request)


DEFAULT_ALTERNATES = 5
MAX_ALTERNATES = 10
MAX_SEED = 2**63 - 1


@transaction.atomic
def auto_assign(*, call: Call, user, seed: int | None = None, alternates: int = DEFAULT_ALTERNATES,
                request=None) -> solver.Result:
    """随机抽取: give every application k experts drawn at random with a min-cost-flow solver (conflicts
    never assigned, maximum loads respected, loads balanced, specialties matched where possible) and keep
    ``alternates`` 备选 per application. The seed (random unless given, to reproduce a draw) is stored
    with the draw and recorded in the audit log."""
    _organiser_of(user, call)
    if seed is None:
        seed = secrets.randbelow(2**31)
    if not 0 <= seed <= MAX_SEED:
        raise ValidationError({"seed": _("The seed must be a whole number from 0 to %(max)s.") % {"max": MAX_SEED}})
    if not 0 <= alternates <= MAX_ALTERNATES:
        raise ValidationError({"alternates": _("Keep from 0 to %(max)s alternates per application.")
                               % {"max": MAX_ALTERNATES}})
    Call.objects.select_for_update().get(pk=call.pk)  # one auto-assignment at a time per call
    k = call.experts_per_application
    blocked = expert_selectors.blocking_pairs(call)
    existing = {}
    for app_id, expert_id in Assignment.objects.filter(call=call).values_list("application_id", "expert_id"):
        existing.setdefault(app_id, set()).add(expert_id)
    loads = expert_selectors.loads(call)
    experts = [solver.Expert(id=e.pk, max_load=e.max_load, specialties=frozenset(e.specialties),
                             current_load=loads.get(e.pk, 0)) for e in _eligible_experts(call)]
    items = []
    for application in expert_selectors.applications_for_review(call):
        have = existing.get(application.pk, set())
        excluded = frozenset(have | {e for a, e in blocked if a == application.pk})
        items.append(solver.Item(id=application.pk, needed=max(0, k - len(have)),
                                 topics=topics_of(latest_version(application).data), excluded=excluded))
    result = solver.solve(items, experts, seed=seed, alternates=alternates)
    draw = ExpertDraw.objects.create(call=call, seed=seed, alternates_per_application=alternates,
                                     pairs=len(result.pairs), drawn_by=user)
    AlternateExpert.objects.bulk_create([
        AlternateExpert(draw=draw, application_id=app_id, expert_id=expert_id, position=position)
        for app_id, chosen in result.alternates.items() for position, expert_id in enumerate(chosen, start=1)
    ], batch_size=5000)
    _create_assignments(call, result.pairs, user=user, method=Assignment.Method.AUTOMATIC, request=request,
                        extra={"seed": seed, "alternates": alternates, "draw": draw.pk})
    result.draw = draw
    return result


def _replace_from_alternates(*, call: Call, application: Application, replaced: ExpertProfile, actor,
                             request=None) -> Assignment | None:
    """Assign the first alternate of the application's latest draw who is still free (active, no
    conflict, not on the application, below the maximum load); None when there is none."""
    alternates = list(AlternateExpert.objects.select_for_update(of=("self",)).filter(
        application=application, draw__call=call, used_at__isnull=True).select_related("expert", "draw")
        .order_by("-draw__drawn_at", "-draw_id", "position"))
    if not alternates:
        return None
    latest = alternates[0].draw_id
    blocked = set(Conflict.objects.filter(application=application).exclude(status=Conflict.Status.DISMISSED)
                  .values_list("expert_id", flat=True))
    on_application = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    loads = expert_selectors.loads(call)
    for alternate in alternates:
        expert = alternate.expert
        if alternate.draw_id != latest:
            break
        if (not expert.is_active or expert.pk in blocked or expert.pk in on_application
                or loads.get(expert.pk, 0) >= expert.max_load):
            continue
        alternate.used_at = timezone.now()
        alternate.replaced = replaced
        alternate.save(update_fields=["used_at", "replaced"])
        created = _create_assignments(
            call, [(application.pk, expert.pk)], user=alternate.draw.drawn_by, actor=actor,
            method=Assignment.Method.AUTOMATIC, request=request,
            extra={"alternate_for": replaced.pk, "alternate_position": alternate.position,
                   "draw": alternate.draw_id, "seed": alternate.draw.seed})
        return created[0]
    return None


def _tell_officers(call: Call, *, title: str, body: str) -> None:
    officers = Membership.objects.filter(organization=call.organiser, role=Role.PROVINCIAL_OFFICER,
                                         is_active=True).select_related("user")
    notify(recipients=[m.user for m in officers], title=title, body=body,
           link=reverse("review:assignments", args=[call.pk]))


def _removal_body(expert, park: str, replacement: Assignment | None) -> str:
    if replacement is None:
        return _("%(expert)s: %(park)s. The assignment was removed; assign another expert.") % {
            "expert": expert, "park": park}
    return _("%(expert)s: %(park)s. The assignment was removed; the alternate %(alternate)s was assigned "
             "instead.") % {"expert": expert, "park": park, "alternate": replacement.expert}


@transaction.atomic
def decline_assignment(*, assignment: Assignment, user, reason: str, request=None) -> Assignment | None:
    """The expert declines an assignment (before submitting the sheet); the first free alternate of the
    draw takes the place. Returns the replacement, or None when no alternate is free."""
    if assignment.expert.user_id != user.pk:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you decline the assignment.")})
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "call__organiser", "application__park", "expert__user").get(pk=assignment.pk)
    call, application, expert = assignment.call, assignment.application, assignment.expert
    _remove_assignment(assignment, user=user, reason="declined by expert", request=request)
    record_event(verb="assignment.declined", actor=user, target=application, organization=call.organiser,
                 data={"expert": expert.pk, "reason": reason[:500]}, request=request)
    replacement = _replace_from_alternates(call=call, application=application, replaced=expert, actor=user,
                                           request=request)
    _tell_officers(call, title=_("An expert declined an assignment"),
                   body=_removal_body(expert, application.park.name, replacement))
    return replacement


@transaction.atomic
def confirm_no_conflict(*, assignment: Assignment, user, request=None) -> Assignment:
    if assignment.expert.user_id != user.pk:
        raise PermissionDenied
    assignment.no_conflict_confirmed_at = timezone.now()
    assignment.save(update_fields=["no_conflict_confirmed_at"])
    record_event(verb="assignment.no_conflict_confirmed", actor=user, target=assignment.application,
                 data={"assignment": assignment.pk}, request=request)
    return assignment


@transaction.atomic
def declare_conflict(*, assignment: Assignment, user, reason: str, request=None) -> Conflict:
    if assignment.expert.user_id != user.pk:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Describe the conflict of interest.")})
    # Confirmed at once; a declaration made again (after a new assignment) replaces the earlier one.
    Conflict.objects.filter(expert=assignment.expert, application=assignment.application,
                            kind=Conflict.Kind.DECLARED_BY_EXPERT).delete()
    conflict = Conflict(expert=assignment.expert, application=assignment.application,
                        kind=Conflict.Kind.DECLARED_BY_EXPERT, detail=reason[:300], decided_by=user,
                        decided_at=timezone.now())
    enter(conflict, "declare", user=user, request=request, organization=assignment.call.organiser)
    call = assignment.call
    _remove_assignment(assignment, user=user, reason="declared by expert", request=request)
    replacement = _replace_from_alternates(call=call, application=assignment.application,
                                           replaced=assignment.expert, actor=user, request=request)
    _tell_officers(call, title=_("An expert declared a conflict of interest"),
                   body=_removal_body(assignment.expert, assignment.application.park.name, replacement))
    return conflict
