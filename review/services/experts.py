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
    Assignment,
    CandidateConcurrence,
    CandidateItem,
    CandidateList,
    Conflict,
    DiscussionPost,
    ExpertProfile,
    FormalCheck,
    Panel,
    PanelOpinion,
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



@transaction.atomic
def save_expert(*, user_values: dict, profile_values: dict, actor, request=None) -> tuple[ExpertProfile, bool]:
    """Create or update an expert (user, profile, expert membership at the employer)."""
    username = user_values["username"]
    user, created = User.objects.get_or_create(username=username, defaults={
        "full_name": user_values["full_name"], "email": user_values.get("email", "")})
    if created:
        # A random password nobody knows: the expert sets their own through "forgot password" (Django sends
        # no reset email to an account with an unusable password).
        user.set_password(secrets.token_urlsafe(32))
    user.full_name = user_values["full_name"]
    user.email = user_values.get("email", "")
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

    report = []
    checked = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        values, errors = check_expert_row(row)
        username = (row.get("username") or "").strip()
        if username and username in seen:
            errors.append(_("The username appears twice in the file."))
        seen.add(username)
        exists = User.objects.filter(username=username).exists() if username else False
        report.append({"row": number, "username": username,
                       "result": "refused" if errors else ("updated" if exists else "created"),
                       "message": "；".join(str(e) for e in errors)})
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
    record_event(verb="expert.import", actor=actor, data={"ok": ok, "rows": len(rows)}, request=request)
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


def _create_assignments(call: Call, pairs, *, user, method: str, request=None) -> list[Assignment]:
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
    record_event(verb=f"assignment.{method}", actor=user, target=call, organization=call.organiser,
                 data={"pairs": [list(p) for p in pairs]}, request=request)
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


@transaction.atomic
def auto_assign(*, call: Call, user, request=None) -> solver.Result:
    """Give every application k experts with a min-cost-flow solver: conflicts never assigned,
    maximum loads respected, loads balanced, specialties matched where possible."""
    _organiser_of(user, call)
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
        if len(have) >= k:
            continue
        excluded = frozenset(have | {e for a, e in blocked if a == application.pk})
        items.append(solver.Item(id=application.pk, needed=k - len(have),
                                 topics=topics_of(latest_version(application).data), excluded=excluded))
    result = solver.solve(items, experts)
    _create_assignments(call, result.pairs, user=user, method=Assignment.Method.AUTOMATIC, request=request)
    return result


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
    officers = Membership.objects.filter(organization=call.organiser, role=Role.PROVINCIAL_OFFICER,
                                         is_active=True).select_related("user")
    notify(recipients=[m.user for m in officers],
           title=_("An expert declared a conflict of interest"),
           body=_("%(expert)s: %(park)s. The assignment was removed; assign another expert.")
           % {"expert": assignment.expert, "park": assignment.application.park.name},
           link=reverse("review:assignments", args=[call.pk]))
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
    sheet.save()
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
    record_event(verb="sheet.reopened", actor=user, target=sheet.application, organization=call.organiser,
                 data={"sheet": sheet.pk, "reason": reason}, request=request)
    notify(recipients=[sheet.assignment.expert.user], title=_("A score sheet was reopened"),
           body=_("Reason: %(reason)s") % {"reason": reason},
           link=reverse("review:task", args=[sheet.assignment_id]))
    return sheet


# --- panel opinion and candidates ----------------------------------------------------------------

@transaction.atomic
def record_panel_opinion(*, application: Application, panel: Panel, user, text: str, request=None) -> PanelOpinion:
    if panel.leader is None or panel.leader.user_id != user.pk or panel.call_id != application.call_id:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the panel's opinion.")})
    opinion, _new = PanelOpinion.objects.update_or_create(application=application, panel=panel,
                                                      defaults={"author": user, "text": text})
    record_event(verb="panel.opinion", actor=user, target=application, data={"panel": panel.pk}, request=request)
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
