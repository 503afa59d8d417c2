"""The organiser's expert review: formal check, experts, conflicts, assignment, scoring, candidates."""

import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from applications.models import Application, Call
from applications.selectors import latest_version, park_memberships_for_application
from portal.accounts.models import Membership, Organization, Role, User
from portal.accounts.selectors import memberships_of
from portal.audit.services import record_event
from portal.documents import cn_date
from portal.notifications.services import notify, notify_event
from review import assignment as solver
from review.models import (
    AlternateExpert,
    Assignment,
    CandidateConcurrence,
    CandidateItem,
    CandidateList,
    Conflict,
    DiscussionPost,
    ExpertDraw,
    ExpertProfile,
    FormalCheck,
    Panel,
    PanelOpinion,
    RankingExport,
    RankingRow,
    RankingSnapshot,
    Recommendation,
    RecommendationItem,
    RubricCriterion,
    ScoreSheet,
    Specialty,
)
from review.selectors import experts as expert_selectors

DEFAULT_RUBRIC = [
    ("基本条件", "六项申报基本条件的符合程度。", "10"),
    ("产业规模与出口", "总产值、信息技术服务业产值、数字服务出口额和企业数量。", "25"),
    ("发展基础", "统计体系运行、网络安全风险防范、数字基础设施。", "20"),
    ("突出优势", "领军企业、研发投入、领军人才和政策支持。", "25"),
    ("规划与思路", "发展数字服务出口的规划和思路是否清晰可行。", "10"),
    ("材料质量", "申报材料是否完整、规范、真实。", "10"),
]


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _organiser_of(user, call: Call) -> None:
    _require(user, "applications.manage_call", call)


# --- formal check --------------------------------------------------------------------------------

@transaction.atomic
def formal_check(*, application: Application, user, decision: str, reason: str = "", resend_deadline=None,
                 request=None) -> FormalCheck:
    """Pass a recommended application, or return this one application to its recommending unit.

    A return leaves the rest of the unit's list where it is; the unit may re-send the application
    (revised) or a replacement until ``resend_deadline`` (review.services.city.resend_after_return)."""
    _organiser_of(user, application.call)
    item = RecommendationItem.objects.filter(
        application=application, recommendation__status=Recommendation.Status.SENT).first()
    # The unit's lock first (the order every quota-changing service follows), then the application.
    recommendation = Recommendation.objects.select_for_update().get(pk=item.recommendation_id) if item else None
    application = Application.objects.select_for_update(of=("self",)).select_related("call", "park").get(
        pk=application.pk)
    if application.state != Application.State.RECOMMENDED:
        raise ValidationError(_("Only recommended applications awaiting the formal check can be checked."),
                              code="state")
    if decision not in FormalCheck.Decision.values:
        raise ValidationError({"decision": _("Choose pass or return.")})
    reason = (reason or "").strip()
    if decision == FormalCheck.Decision.RETURN:
        errors = {}
        if not reason:
            errors["reason"] = _("Give the reason; the recommending unit will read it.")
        if resend_deadline is None:
            errors["resend_deadline"] = _("Set the deadline by which the unit may re-send.")
        elif resend_deadline <= timezone.now():
            errors["resend_deadline"] = _("The re-send deadline must be in the future.")
        if errors:
            raise ValidationError(errors)
    else:
        resend_deadline = None
    check = FormalCheck.objects.create(application=application, version=latest_version(application),
                                       officer=user, decision=decision, reason=reason,
                                       resend_deadline=resend_deadline)
    if decision == FormalCheck.Decision.PASS:
        application.pass_formal_check()
        application.save()
    else:
        application.withdraw_recommendation()
        application.save()
        if item:
            item.delete()
            from review.selectors import unit_reviewers

            deadline = timezone.localtime(resend_deadline)
            notify(recipients=[m.user for m in unit_reviewers(application.call, [recommendation.region_id])],
                   title=_("An application was returned after the formal check"),
                   body=_("Formal check: %(park)s returned: %(reason)s. You may re-send it (revised) or "
                          "another park until %(deadline)s.")
                   % {"park": application.park.name, "reason": reason,
                      "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日 {deadline:%H:%M}"},
                   link=reverse("review:recommendation", args=[application.call_id]), event="formal_check.return")
    if decision == FormalCheck.Decision.PASS:
        ranking_changed(application.call)
    record_event(verb=f"formal_check.{decision}", actor=user, target=application,
                 organization=application.call.organiser,
                 data={"reason": reason, **({"resend_deadline": resend_deadline.isoformat()}
                                            if resend_deadline else {})}, request=request)
    notify_event(event=f"formal_check.{decision}", call=application.call,
                 recipients=[m.user for m in park_memberships_for_application(application)],
                 context={"call": application.call.title, "park": application.park.name, "reason": reason},
                 link=reverse("applications:detail", args=[application.pk]))
    return check


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
    conflict.status = Conflict.Status.CONFIRMED if confirm else Conflict.Status.DISMISSED
    conflict.decided_by = user
    conflict.decided_at = timezone.now()
    conflict.save()
    if confirm:
        for assignment in Assignment.objects.filter(expert=conflict.expert, application=conflict.application):
            _remove_assignment(assignment, user=user, reason="conflict confirmed", request=request)
            _replace_from_alternates(call=conflict.application.call, application=conflict.application,
                                     replaced=conflict.expert, actor=user, request=request)
    record_event(verb="conflict.confirmed" if confirm else "conflict.dismissed", actor=user,
                 target=conflict.application, organization=conflict.application.call.organiser,
                 data={"expert": conflict.expert_id, "kind": conflict.kind}, request=request)
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
    if application.state not in expert_selectors.RANKABLE_STATES:
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
    conflict, _created = Conflict.objects.update_or_create(
        expert=assignment.expert, application=assignment.application, kind=Conflict.Kind.DECLARED_BY_EXPERT,
        defaults={"detail": reason[:300], "status": Conflict.Status.CONFIRMED, "decided_by": user,
                  "decided_at": timezone.now()})
    call = assignment.call
    _remove_assignment(assignment, user=user, reason="declared by expert", request=request)
    replacement = _replace_from_alternates(call=call, application=assignment.application,
                                           replaced=assignment.expert, actor=user, request=request)
    _tell_officers(call, title=_("An expert declared a conflict of interest"),
                   body=_removal_body(assignment.expert, assignment.application.park.name, replacement))
    return conflict


# --- rubric and scoring --------------------------------------------------------------------------

@transaction.atomic
def save_rubric(*, call: Call, user, rows: list[dict], request=None) -> list[RubricCriterion]:
    _organiser_of(user, call)
    if expert_selectors.scoring_started(call):
        raise ValidationError(_("Scoring has started; the rubric can no longer change."), code="locked")
    if not rows:
        raise ValidationError(_("The rubric needs at least one criterion."))
    RubricCriterion.objects.filter(call=call).delete()
    criteria = RubricCriterion.objects.bulk_create([
        RubricCriterion(call=call, order=i, name=r["name"], description=r.get("description", ""),
                        max_points=r["max_points"], weight=r.get("weight") or Decimal("1"))
        for i, r in enumerate(rows, start=1)])
    record_event(verb="rubric.saved", actor=user, target=call, organization=call.organiser,
                 data={"criteria": [[r["name"], str(r["max_points"])] for r in rows]}, request=request)
    return criteria


def ensure_default_rubric(call: Call) -> None:
    if not RubricCriterion.objects.filter(call=call).exists():
        RubricCriterion.objects.bulk_create([
            RubricCriterion(call=call, order=i, name=name, description=description, max_points=Decimal(points))
            for i, (name, description, points) in enumerate(DEFAULT_RUBRIC, start=1)])


def _check_scores(criteria: list[RubricCriterion], scores: dict, *, complete: bool) -> tuple[dict, dict]:
    clean, errors = {}, {}
    for criterion in criteria:
        raw = scores.get(str(criterion.pk))
        if raw in (None, ""):
            if complete:
                errors[str(criterion.pk)] = _("Score this criterion.")
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors[str(criterion.pk)] = _("Enter a number.")
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_points:
            errors[str(criterion.pk)] = _("Enter a score from 0 to %(max)s.") % {"max": criterion.max_points}
            continue
        clean[str(criterion.pk)] = str(value.quantize(Decimal("0.1")))
    return clean, errors


class SheetErrors(ValidationError):
    def __init__(self, errors: dict):
        super().__init__(_("Some scores are missing or out of range."), code="scores")
        self.field_errors = errors


def scoring_closed(call: Call) -> str:
    """Why score sheets of the call can no longer be saved ("" while scoring is open): the scoring deadline
    has passed, or the candidate list has been proposed. Only a sheet the organiser reopened, with an
    audited reason, may then still be changed."""
    if call.scoring_deadline and timezone.now() > call.scoring_deadline:
        return _("The scoring deadline has passed; the sheet can no longer be changed.")
    if CandidateList.objects.filter(call=call).exclude(status=CandidateList.Status.DRAFT).exists():
        return _("The candidate list has been proposed; the sheet can no longer be changed.")
    return ""


@transaction.atomic
def save_sheet(*, assignment: Assignment, user, scores: dict, comment: str, submit: bool,
               request=None) -> ScoreSheet:
    assignment = Assignment.objects.select_for_update().select_related("expert", "call").get(pk=assignment.pk)
    if assignment.expert.user_id != user.pk:
        raise PermissionDenied
    if assignment.no_conflict_confirmed_at is None:
        raise ValidationError(_("Confirm that you have no conflict of interest first."), code="confirm")
    sheet, _created = ScoreSheet.objects.get_or_create(
        assignment=assignment, defaults={"application": assignment.application, "version": assignment.version})
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status == ScoreSheet.Status.SUBMITTED:
        raise ValidationError(_("This score sheet has been submitted and is locked."), code="locked")
    closed = scoring_closed(assignment.call)
    if closed and not sheet.reopened_reason:
        raise ValidationError(closed, code="closed")
    criteria = expert_selectors.rubric_of(assignment.call)
    if not criteria:
        raise ValidationError(_("The call has no rubric yet; the organiser must set it before scoring."),
                              code="no_rubric")
    clean, errors = _check_scores(criteria, scores, complete=submit)
    if errors:
        raise SheetErrors(errors)
    sheet.scores = clean
    sheet.comment = (comment or "").strip()
    weights = {str(c.pk): c.weight for c in criteria}
    sheet.total = sum((Decimal(v) * weights[k] for k, v in clean.items()), Decimal("0")) if clean else None
    sheet.revision += 1
    if submit:
        sheet.submit()
        sheet.submitted_at = timezone.now()
        sheet.reopened_reason = ""  # the reason stays in the audit log; a new reopening needs a new one
    sheet.save()
    if submit:
        ranking_changed(assignment.call)
    record_event(verb="sheet.submitted" if submit else "sheet.saved", actor=user, target=assignment.application,
                 data={"assignment": assignment.pk, "total": str(sheet.total)}, request=request)
    return sheet


@transaction.atomic
def reopen_sheet(*, sheet: ScoreSheet, user, reason: str, request=None) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update().select_related("assignment__call", "assignment__expert__user") \
        .get(pk=sheet.pk)
    call = sheet.assignment.call
    _organiser_of(user, call)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the sheet.")})
    try:
        sheet.reopen()
    except TransitionNotAllowed as exc:
        raise ValidationError(_("Only a submitted sheet can be reopened.")) from exc
    sheet.reopened_reason = reason
    sheet.save()
    ranking_changed(call)
    record_event(verb="sheet.reopened", actor=user, target=sheet.application, organization=call.organiser,
                 data={"sheet": sheet.pk, "reason": reason}, request=request)
    notify(recipients=[sheet.assignment.expert.user], title=_("A score sheet was reopened"),
           body=_("Reason: %(reason)s") % {"reason": reason},
           link=reverse("review:task", args=[sheet.assignment_id]))
    return sheet


# --- stored ranking ------------------------------------------------------------------------------

def _ranking_queued_key(call_id: int) -> str:
    return f"ranking:queued:{call_id}"


def ranking_changed(call: Call) -> None:
    """Called inside the services that change what the ranking shows: mark the stored ranking stale
    and, once the transaction commits, queue one recomputation (debounced: the changes of the next
    ``RANKING_DEBOUNCE_SECONDS`` are taken by the same run)."""
    RankingSnapshot.objects.filter(call=call, stale_since__isnull=True).update(stale_since=timezone.now())
    transaction.on_commit(lambda: queue_ranking(call_id=call.pk))


def queue_ranking(*, call_id: int) -> bool:
    """Queue the recomputation unless one is already queued and not yet started."""
    from django.conf import settings
    from django.core.cache import cache

    from review.tasks import refresh_ranking_task

    delay = settings.RANKING_DEBOUNCE_SECONDS
    if not cache.add(_ranking_queued_key(call_id), 1, timeout=max(60, 6 * delay)):
        return False
    refresh_ranking_task.apply_async((call_id,), countdown=delay)
    return True


def refresh_ranking(*, call_id: int) -> RankingSnapshot:
    """Run by the Celery task (and by the page the first time a call is ranked): compute the whole
    ranking and store it. A change made while it runs leaves the snapshot stale and queues another run."""
    import time

    from django.core.cache import cache

    cache.delete(_ranking_queued_key(call_id))
    call = Call.objects.get(pk=call_id)
    started, clock = timezone.now(), time.monotonic()
    rows = expert_selectors.ranking(call)
    with transaction.atomic():
        snapshot = RankingSnapshot.objects.select_for_update().filter(call=call).first()
        if snapshot and snapshot.computed_at > started:  # a later run has already stored its result
            return snapshot
        if snapshot is None:
            snapshot = RankingSnapshot(call=call)
        else:
            RankingRow.objects.filter(snapshot=snapshot).delete()
        snapshot.computed_at = started
        snapshot.applications = len(rows)
        snapshot.sheets = sum(item["n"] for item in rows)
        still_stale = snapshot.stale_since is not None and snapshot.stale_since > started
        snapshot.stale_since = snapshot.stale_since if still_stale else None
        snapshot.seconds = time.monotonic() - clock
        snapshot.save()
        fields = ("rank", "n", "score", "mean", "median", "trimmed_mean", "sd", "lowest", "highest", "range",
                  "flagged")
        RankingRow.objects.bulk_create([
            RankingRow(snapshot=snapshot, application_id=item["application"].pk, position=position,
                       **{f: item[f] for f in fields})
            for position, item in enumerate(rows, start=1)], batch_size=2000)
    if still_stale:
        queue_ranking(call_id=call_id)
    return snapshot


def request_ranking_export(*, call: Call, fmt: str, user, again: bool = False, request=None) -> RankingExport:
    """Queue the ranking workbook or PDF of a call (again when ``again`` and the last one is ready)."""
    from portal.background import request_rendering
    from review.tasks import render_ranking_export

    _organiser_of(user, call)
    if fmt not in RankingExport.Format.values:
        raise ValidationError(_("Unknown format."))
    item = request_rendering(RankingExport, task=render_ranking_export, again=again,
                             defaults={"requested_by": user}, call=call, format=fmt)
    return item


def render_ranking_export(*, export_id: int) -> RankingExport:
    """Run by the Celery task: the workbook is written straight to a file, with progress."""
    from portal.background import run_rendering
    from review import exports

    def render(item, *, path, progress):
        if item.format == RankingExport.Format.XLSX:
            return exports.ranking_xlsx(item.call, progress=progress, path=path)
        progress(0.1)
        return exports.ranking_pdf(item.call)

    return run_rendering(RankingExport, export_id, render=render,
                         filename=lambda e: f"ranking-{e.call_id}.{e.format}", select_related=("call",))


# --- panel opinion and candidates ----------------------------------------------------------------

def conflicted_experts(application: Application) -> set[int]:
    """Users of the experts with a confirmed or declared conflict of interest for the application."""
    return set(Conflict.objects.filter(application=application, status=Conflict.Status.CONFIRMED)
               .values_list("expert__user_id", flat=True))


def may_write_panel_opinion(user, *, application: Application, panel: Panel) -> bool:
    """The panel leader writes the opinion; when the leader has a conflict for this application, another
    member without one does; the organiser always may. A member with a conflict never does."""
    if panel.call_id != application.call_id:
        return False
    if user.has_perm("applications.manage_call", application.call):
        return True
    conflicted = conflicted_experts(application)
    if user.pk in conflicted:
        return False
    if panel.leader is not None and panel.leader.user_id == user.pk:
        return True
    leader_conflicted = panel.leader is None or panel.leader.user_id in conflicted
    return leader_conflicted and panel.members.filter(user=user).exists()


def record_panel_opinion(*, application: Application, panel: Panel, user, text: str, request=None) -> PanelOpinion:
    if panel is None or not may_write_panel_opinion(user, application=application, panel=panel):
        conflicted = panel is not None and user.pk in conflicted_experts(application)
        if conflicted:
            from portal.audit.services import refuse

            refuse(verb="panel.opinion_refused", actor=user, target=application, request=request,
                   organization=application.call.organiser, data={"panel": panel.pk, "why": "conflict"},
                   message=_("You have a conflict of interest for this application; another panel member "
                             "or the organiser writes the panel opinion."))
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the panel's opinion.")})
    with transaction.atomic():
        opinion, _new = PanelOpinion.objects.update_or_create(application=application, panel=panel,
                                                          defaults={"author": user, "text": text})
        record_event(verb="panel.opinion", actor=user, target=application, data={"panel": panel.pk},
                     request=request)
    return opinion


def candidate_count_warning(call: Call, n: int) -> str:
    """Seed 001 四(二): "提出候选名单（10个左右）": a list outside 80–120% of the number stated needs the
    organiser's acknowledgement. Empty when the size is within it or the call states no number."""
    bounds = call.candidates_range
    if bounds is None or bounds[0] <= n <= bounds[1]:
        return ""
    return _("The notice states about %(about)s candidates (%(low)s to %(high)s without a warning); the list has "
             "%(n)s. Acknowledge the number to propose it.") % {
        "about": call.candidates_about, "low": bounds[0], "high": bounds[1], "n": n}


def missing_sheets(call: Call, application_ids: list[int]) -> dict[int, list[str]]:
    """Per application: the score sheets the call requires (``experts_per_application``) that are not
    submitted, named by expert, and those never assigned."""
    wanted = call.experts_per_application
    named: dict[int, list[str]] = {pk: [] for pk in application_ids}
    submitted: dict[int, int] = dict.fromkeys(application_ids, 0)
    for assignment in Assignment.objects.filter(call=call, application_id__in=application_ids).select_related(
            "expert__user", "sheet"):
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.status == ScoreSheet.Status.SUBMITTED:
            submitted[assignment.application_id] += 1
        else:
            named[assignment.application_id].append(assignment.expert.user.display_name)
    result = {}
    for pk in application_ids:
        unassigned = wanted - submitted[pk] - len(named[pk])
        missing = named[pk] + ([_("%(n)s sheet(s) never assigned") % {"n": unassigned}] if unassigned > 0 else [])
        if submitted[pk] < wanted:
            result[pk] = missing
    return result


@transaction.atomic
def propose_candidates(*, call: Call, user, application_ids: list[int], note: str = "",
                       acknowledge_count: bool = False, missing_sheets_reason: str = "",
                       request=None) -> CandidateList:
    """Propose the candidate list. Refused above or below "about N" unless acknowledged, and for a
    candidate missing some of the call's sheets unless the organiser records why (both audited)."""
    _organiser_of(user, call)
    candidate_list, _new = CandidateList.objects.select_for_update().get_or_create(call=call)
    if candidate_list.status != CandidateList.Status.DRAFT:
        raise ValidationError(_("The candidate list has been proposed already."), code="proposed")
    ranked = {item["application"].pk: item for item in expert_selectors.ranking(call)}
    if not application_ids:
        raise ValidationError(_("Choose at least one candidate."))
    unknown = [pk for pk in application_ids if pk not in ranked or not ranked[pk]["n"]]
    if unknown:
        raise ValidationError(_("Only applications with submitted score sheets can be candidates."))
    warning = candidate_count_warning(call, len(application_ids))
    if warning and not acknowledge_count:
        raise ValidationError(warning, code="count_warning")
    missing = missing_sheets(call, application_ids)
    missing_sheets_reason = (missing_sheets_reason or "").strip()
    if missing and not missing_sheets_reason:
        names = "；".join(f"{ranked[pk]['application'].park.name}：{'、'.join(who)}" for pk, who in missing.items())
        raise ValidationError(
            _("Every candidate needs the call's %(n)s submitted score sheets. Missing: %(missing)s. Record the "
              "decision to propose them anyway, with its reason.") % {"n": call.experts_per_application,
                                                                     "missing": names},
            code="missing_sheets")
    candidate_list.items.all().delete()
    CandidateItem.objects.bulk_create([
        CandidateItem(candidate_list=candidate_list, application_id=pk, rank=i, score=ranked[pk]["score"],
                      missing_sheets=missing.get(pk, []))
        for i, pk in enumerate(application_ids, start=1)])
    candidate_list.propose()
    candidate_list.proposed_by = user
    candidate_list.proposed_at = timezone.now()
    candidate_list.note = note
    candidate_list.count_acknowledged = bool(warning)
    candidate_list.missing_sheets_reason = missing_sheets_reason if missing else ""
    candidate_list.save()
    record_event(verb="candidates.proposed", actor=user, target=call, organization=call.organiser,
                 data={"applications": application_ids,
                       **({"count_acknowledged": warning} if warning else {})}, request=request)
    if missing:
        record_event(verb="candidates.missing_sheets_accepted", actor=user, target=call,
                     organization=call.organiser, request=request,
                     data={"missing": {str(pk): who for pk, who in missing.items()},
                           "reason": missing_sheets_reason})
    if not call.co_issuers.exists():
        # A call issued by the organiser alone (no 会同): nobody else concurs.
        candidate_list.mark_concurred()
        candidate_list.save()
        return candidate_list
    notify_event(event="candidates.proposed", call=call, recipients=co_issuer_users(call),
                 context={"call": call.title, "count": len(application_ids)},
                 link=reverse("review:candidates", args=[call.pk]))
    return candidate_list


def co_issuer_users(call: Call) -> list:
    """The co-reviewers of the call's named co-issuing departments (会同单位), and only them."""
    return [m.user for m in Membership.objects.filter(
        role=Role.PROVINCIAL_COREVIEWER, is_active=True, organization__in=call.co_issuers.all(),
        user__is_active=True).select_related("user")]


def candidate_coreviewer_orgs(user, call: Call) -> list[Organization]:
    """The co-issuing departments of ``call`` in which ``user`` is a co-reviewer (DOMAIN.md §2a: 会同 means
    the named departments; another ministry is not one of them)."""
    if not user.is_authenticated:
        return []
    co_issuers = set(call.co_issuers.values_list("pk", flat=True))
    return [m.organization for m in memberships_of(user)
            if m.role == Role.PROVINCIAL_COREVIEWER and m.organization_id in co_issuers]


def missing_concurrences(candidate_list: CandidateList) -> list[Organization]:
    """The co-issuers that have not concurred (yet) with the proposed list."""
    concurred = set(candidate_list.concurrences.filter(stance=CandidateConcurrence.Stance.CONCUR)
                    .values_list("organization_id", flat=True))
    return [org for org in candidate_list.call.co_issuers.order_by("name") if org.pk not in concurred]


@transaction.atomic
def concur_candidates(*, call: Call, user, stance: str, opinion: str, request=None) -> CandidateList:
    candidate_list = CandidateList.objects.select_for_update().get(call=call)
    orgs = candidate_coreviewer_orgs(user, call)
    if not orgs:
        raise PermissionDenied
    if candidate_list.status != CandidateList.Status.PROPOSED:
        raise ValidationError(_("The candidate list is not awaiting concurrence."))
    if stance not in CandidateConcurrence.Stance.values:
        raise ValidationError({"stance": _("Choose concur or object.")})
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("Write your department's opinion.")})
    CandidateConcurrence.objects.update_or_create(
        candidate_list=candidate_list, organization=orgs[0],
        defaults={"reviewer": user, "stance": stance, "opinion": opinion})
    record_event(verb=f"candidates.{stance}", actor=user, target=call, organization=orgs[0],
                 data={"opinion": opinion}, request=request)
    # Concurred once each named co-issuer concurs: all of them, and no other department counts.
    if not missing_concurrences(candidate_list):
        candidate_list.mark_concurred()
        candidate_list.save()
    if candidate_list.status == CandidateList.Status.CONCURRED:
        officers = Membership.objects.filter(organization=call.organiser, role=Role.PROVINCIAL_OFFICER,
                                             is_active=True).select_related("user")
        notify_event(event="candidates.concurred", call=call, recipients=[m.user for m in officers],
                     context={"call": call.title}, link=reverse("review:candidates", args=[call.pk]))
        for item in candidate_list.items.select_related("application__park"):
            notify_event(event="candidates.listed", call=call,
                         recipients=[m.user for m in park_memberships_for_application(item.application)],
                         context={"call": call.title, "park": item.application.park.name},
                         link=reverse("applications:detail", args=[item.application_id]))
    return candidate_list


@transaction.atomic
def withdraw_candidates(*, call: Call, user, request=None) -> CandidateList:
    _organiser_of(user, call)
    candidate_list = CandidateList.objects.select_for_update().get(call=call)
    candidate_list.withdraw()
    candidate_list.save()
    candidate_list.concurrences.all().delete()
    record_event(verb="candidates.withdrawn", actor=user, target=call, organization=call.organiser, request=request)
    return candidate_list


def remind_experts(*, today=None) -> int:
    """Beat task: experts with unsubmitted sheets, two working days and one working day before the
    scoring deadline."""
    from portal.workdays import UnknownYear, workdays_between

    today = today or timezone.localdate()
    sent = 0
    for call in Call.objects.filter(scoring_deadline__gt=timezone.now()):
        deadline = timezone.localtime(call.scoring_deadline).date()
        try:
            left = workdays_between(today, deadline)
        except UnknownYear:
            continue  # the officers are told by the recommendation reminders of the same call
        if left not in (2, 1):
            continue
        pending = Assignment.objects.filter(call=call).exclude(sheet__status=ScoreSheet.Status.SUBMITTED) \
            .select_related("expert__user")
        by_user: dict = {}
        for assignment in pending:
            by_user.setdefault(assignment.expert.user, []).append(assignment)
        for user, items in by_user.items():
            notify(recipients=[user],
                   title=_("%(n)s working day(s) left to submit %(k)s score sheet(s)") % {"n": left, "k": len(items)},
                   body=_("Call: %(call)s. Deadline: %(date)s.") % {"call": call.title, "date": cn_date(deadline)},
                   link=reverse("workspace-expert"))
            Assignment.objects.filter(pk__in=[a.pk for a in items]).update(reminded_at=timezone.now())
            sent += 1
    return sent


# --- discussion ----------------------------------------------------------------------------------

@transaction.atomic
def post_to_discussion(*, application: Application, user, text: str, request=None) -> DiscussionPost:
    """A message in the application's thread, for its experts, panel and the organiser (audited)."""
    if not user.has_perm("review.discuss_application", application):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the message.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("A message may have at most 5000 characters.")})
    post = DiscussionPost.objects.create(application=application, author=user, text=text)
    record_event(verb="discussion.posted", actor=user, target=application, organization=application.call.organiser,
                 data={"post": post.pk}, request=request)
    return post
