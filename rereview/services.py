"""The re-review round (复审): start it, decide the outcomes, publish the failures, revoke the titles.

Every function checks permission and the rules, runs in one transaction, records an audit event and tells the
people concerned. The expert review itself (conflicts, assignment, scoring, ranking) is review's services on
the round's call; the 公示 and objections are publicity's; the base's status is the bases app's.
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationVersion, Call
from applications.selectors import park_memberships_for_application
from bases.services import change_base_status
from portal.accounts.models import Organization, Role
from portal.accounts.selectors import organizations_for_role
from portal.audit.services import record_event
from portal.documents import cn_date
from portal.home.caching import bump_public_cache
from portal.notifications.models import MessageTemplate
from portal.notifications.services import notify
from portal.workflow import enter, record
from publicity import services as publicity_services
from publicity.models import DesignatedBase, Notice, NoticeItem
from rereview import dossier, selectors
from rereview.models import ReReviewItem, ReReviewRound, Revocation
from review.models import ScoreSheet
from review.services import missing_sheets, save_rubric

# 复审评分标准: the round's own rubric (the organiser may change it on review's rubric page until scoring starts).
REREVIEW_RUBRIC = [
    ("建设任务完成情况", "对照申报材料提出的发展目标和主要任务，建设方案的落实程度。", "30"),
    ("数字服务出口规模与增长", "数字服务出口额、开展数字服务业务企业数量及其增长。", "30"),
    ("统计监测与年度报送", "统计监测制度运行情况，年度建设进展是否按时、如实报送。", "15"),
    ("示范带动与先行先试", "政策和业务模式创新、示范带动作用。", "15"),
    ("网络和数据安全", "网络安全、数据安全风险防范措施及落实。", "10"),
]

# The wording of the publicity stage's messages for a re-review call (the organiser may change them on the
# call's message page): the notice lists failed bases, not candidates.
MESSAGES = {
    "notice.published": ("复审结果公示：{call}",
                         "{park}在{call}中复审不合格，现予公示（{window}）。公示期满无异议或异议不成立的，将发文撤销其"
                         "基地称号。"),
    "notice.closed": ("公示期已结束：{notice}",
                      "{notice}的公示期（{window}）已结束。请处理尚未办结的异议，然后印发撤销基地称号的通知。"),
}

YEARS_BETWEEN = 2  # 基地评审每两年组织一次，同时对原基地进行复审 (seed 001 四(五))


def _organiser_of(user, call: Call) -> None:
    if not user.has_perm("applications.manage_call", call):
        raise PermissionDenied


def due_date(base: DesignatedBase) -> date:
    """The day from which ``base`` may be re-reviewed: two years after the designation document (for a batch
    designated before the portal, two years after the end of its year: never earlier than due)."""
    designated = base.designation.document_date if base.designation_id else date(base.year, 12, 31)
    try:
        return designated.replace(year=designated.year + YEARS_BETWEEN)
    except ValueError:  # 29 February
        return designated.replace(year=designated.year + YEARS_BETWEEN, day=28)


def _template_call(organiser: Organization, level: str) -> Call | None:
    """The organiser's latest call of that level: the round takes its issuers, co-issuers and notice period."""
    return Call.objects.filter(organiser=organiser, level=level, rereview_round__isnull=True) \
        .order_by("-park_deadline", "-pk").first()


def _check_period(reference_date: date, period_from: int, period_to: int) -> None:
    if not (1990 <= period_from <= period_to <= reference_date.year):
        raise ValidationError({"period_to": _("The reporting years must run from the first to the last, and not "
                                              "beyond the year of the reference date.")})


@transaction.atomic
def start_round(*, user, organiser: Organization, title: str, document_number: str, reference_date: date,
                period_from: int, period_to: int, base_ids: list[int], experts_per_application: int = 5,
                scoring_deadline: datetime | None = None, request=None) -> ReReviewRound:
    """Start a re-review round of the chosen bases: the round's call (closed: no park applies), one application
    per base with the base's annual reports of the period as its dossier (version 1), the round's rubric."""
    if organiser is None or organiser not in organizations_for_role(user, Role.PROVINCIAL_OFFICER):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter the title of the round.")})
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _("Enter the document number of the re-review notice.")})
    if reference_date is None or reference_date > timezone.localdate():
        raise ValidationError({"reference_date": _("The reference date cannot be in the future.")})
    _check_period(reference_date, period_from, period_to)
    if not 1 <= experts_per_application <= 20:
        raise ValidationError({"experts_per_application": _("From 1 to 20 experts per base.")})
    if scoring_deadline is not None and scoring_deadline <= timezone.now():
        raise ValidationError({"scoring_deadline": _("The scoring deadline must be in the future.")})
    if not base_ids:
        raise ValidationError({"bases": _("Choose at least one base to re-review.")})
    eligible = {b.pk: b for b in selectors.eligible_bases(organiser, on=reference_date)}
    refused = sorted(set(base_ids) - set(eligible))
    if refused:
        names = "、".join(DesignatedBase.objects.filter(pk__in=refused).values_list("name", flat=True)) \
            or ", ".join(map(str, refused))
        raise ValidationError({"bases": _("Not eligible for this round: %(names)s. Only bases designated two years "
                                          "or more before the reference date, still on the register, with a park "
                                          "account and not in another open round are re-reviewed.")
                               % {"names": names}})
    level = selectors.organiser_level(organiser)
    template = _template_call(organiser, level)
    start = timezone.make_aware(datetime.combine(reference_date, time(9, 0)))
    call = Call(
        title=title, document_number=document_number, level=level, organiser=organiser,
        issuers=template.issuers if template else organiser.name,
        region=organiser.region if level == Call.Level.PROVINCIAL else None,
        park_types=[], recommending_tier=Call.RecommendingTier.CITY if level == Call.Level.PROVINCIAL
        else Call.RecommendingTier.PROVINCE, quota_per_unit=1, park_deadline=start, recommend_deadline=start,
        publicity_days=template.publicity_days if template else 5, co_review_required=False,
        experts_per_application=experts_per_application, scoring_deadline=scoring_deadline)
    enter(call, "start_rereview", user=user, audit=False)  # recorded below, with the round and its bases
    if template:
        call.co_issuers.set(template.co_issuers.all())
    rnd = ReReviewRound.objects.create(call=call, reference_date=reference_date, period_from=period_from,
                                       period_to=period_to, started_by=user)
    now = timezone.now()
    for base_id in base_ids:
        base = eligible[base_id]
        park = base.park
        reports = dossier.reports_of(base, period_from, period_to)
        application = Application(call=call, park=park, created_by=user, latest_version_number=1, submitted_at=now)
        enter(application, "include_in_rereview", user=user, organization=organiser, request=request,
              data={"round": rnd.pk, "base": base.pk})
        ApplicationVersion.objects.create(
            application=application, number=1, data=dossier.version_data(rnd, base, reports), attachments=[],
            eligibility=[], submitted_by=user, submitted_at=now)
        ReReviewItem.objects.create(round=rnd, base=base, application=application, reports=[r.pk for r in reports])
        notify(recipients=[m.user for m in park_memberships_for_application(application)],
               title=_("Your base is under re-review: %(round)s") % {"round": title},
               body=_("%(base)s is re-reviewed on its annual reports of %(period)s.")
               % {"base": base.name, "period": rnd.period_text},
               link=reverse("rereview:mine"))
    save_rubric(call=call, user=user, request=request, rows=[
        {"name": name, "description": description, "max_points": Decimal(points), "weight": Decimal("1")}
        for name, description, points in REREVIEW_RUBRIC])
    MessageTemplate.objects.bulk_create([
        MessageTemplate(call_id=call.pk, event=event, title=t, body=b, updated_by=user)
        for event, (t, b) in MESSAGES.items()])
    record(call, "start_rereview", user=user, organization=organiser, request=request,
                 data={"round": rnd.pk, "bases": list(base_ids), "reference_date": reference_date.isoformat(),
                       "period": [period_from, period_to]})
    return rnd


# --- outcomes ------------------------------------------------------------------------------------

def objection_upheld(item: ReReviewItem, notice: Notice | None) -> bool:
    """An objection to the base's failure was upheld: the base left the notice, its outcome is reconsidered."""
    return notice is not None and NoticeItem.objects.filter(notice=notice, application_id=item.application_id,
                                                            removed=True).exists()


@transaction.atomic
def decide_outcome(*, item: ReReviewItem, user, outcome: str, reason: str = "",
                   rectification_deadline: date | None = None, missing_sheets_reason: str = "",
                   request=None) -> ReReviewItem:
    """合格, 限期整改 (with its deadline) or 不合格 for one base, once its score sheets are in. Before the failures
    are published an outcome may be changed; after, only a base whose failure an upheld objection set aside
    gets a new outcome (合格 or 限期整改)."""
    item = ReReviewItem.objects.select_for_update().select_related(
        "round__call__organiser", "base", "application__park").get(pk=item.pk)
    rnd, call = item.round, item.round.call
    _organiser_of(user, call)
    if Revocation.objects.filter(round=rnd).exists():
        raise ValidationError(_("The revocation document has been issued; the outcomes are final."), code="final")
    if outcome not in ReReviewItem.Outcome.values:
        raise ValidationError({"outcome": _("Choose 合格, 限期整改 or 不合格.")})
    notice = selectors.live_notice(rnd)
    reconsidering = False
    if notice is not None and notice.status != Notice.Status.DRAFT:
        if item.outcome == ReReviewItem.Outcome.FAILED and objection_upheld(item, notice):
            if outcome == ReReviewItem.Outcome.FAILED:
                raise ValidationError({"outcome": _("An objection to this failure was upheld: decide 合格 or 限期整改 "
                                                    "(a new failure would need a new public notice).")})
            reconsidering = True
        else:
            raise ValidationError(_("The failures of this round are on public notice; the outcomes can no longer "
                                    "change (except after an upheld objection)."), code="published")
    reason = (reason or "").strip()
    if outcome != ReReviewItem.Outcome.PASSED and len(reason) < 4:
        raise ValidationError({"reason": _("Give the reasons for the outcome (they are sent to the base).")})
    if outcome == ReReviewItem.Outcome.RECTIFY:
        if rectification_deadline is None or rectification_deadline <= timezone.localdate():
            raise ValidationError({"rectification_deadline": _("Set the rectification deadline, after today.")})
    else:
        rectification_deadline = None
    submitted = ScoreSheet.objects.filter(application_id=item.application_id,
                                          status=ScoreSheet.Status.SUBMITTED).count()
    if not submitted:
        raise ValidationError(_("No expert has submitted a score sheet for this base yet."), code="no_sheets")
    missing = missing_sheets(call, [item.application_id]).get(item.application_id)
    missing_sheets_reason = (missing_sheets_reason or "").strip()
    if missing and not missing_sheets_reason:
        raise ValidationError({"missing_sheets_reason": _(
            "The round asks for %(n)s score sheets per base; missing: %(missing)s. Record why you decide "
            "without them.") % {"n": call.experts_per_application, "missing": "、".join(missing)}})
    previous = item.outcome
    item.outcome = outcome
    item.reason = reason
    item.rectification_deadline = rectification_deadline
    item.missing_sheets_reason = missing_sheets_reason if missing else ""
    item.decided_by = user
    item.decided_at = timezone.now()
    if reconsidering:
        item.reconsidered_at = item.decided_at
    item.save()
    # 限期整改 is the base's status, decided through the bases app with the round's document; 合格 puts a base
    # under rectification back on the register the same way.
    if outcome == ReReviewItem.Outcome.RECTIFY:
        change_base_status(base=item.base, status=DesignatedBase.Status.RECTIFICATION, user=user,
                           document_number=call.document_number, document_date=timezone.localdate(),
                           deadline=rectification_deadline, reason=reason, source=f"rereview:{rnd.pk}",
                           request=request)
    elif item.base.status == DesignatedBase.Status.RECTIFICATION:
        change_base_status(base=item.base, status=DesignatedBase.Status.ACTIVE, user=user,
                           document_number=call.document_number, document_date=timezone.localdate(),
                           reason=reason or str(item.get_outcome_display()), source=f"rereview:{rnd.pk}",
                           request=request)
    record_event(verb="rereview.reconsidered" if reconsidering else "rereview.outcome", actor=user,
                 target=item.application, organization=call.organiser, request=request,
                 data={"outcome": outcome, "previous": previous, "reason": reason,
                       **({"deadline": rectification_deadline.isoformat()} if rectification_deadline else {}),
                       **({"missing_sheets": missing, "missing_sheets_reason": missing_sheets_reason}
                          if missing else {})})
    body = _("Outcome: %(outcome)s.") % {"outcome": item.get_outcome_display()}
    if reason:
        body += " " + _("Reasons: %(reason)s") % {"reason": reason}
    if rectification_deadline:
        body += " " + _("Rectify by %(date)s.") % {"date": cn_date(rectification_deadline)}
    if outcome == ReReviewItem.Outcome.FAILED:
        body += " " + _("The failure is put on public notice before the title is revoked.")
    notify(recipients=[m.user for m in park_memberships_for_application(item.application)],
           title=_("Re-review outcome: %(base)s") % {"base": item.base.name}, body=body,
           link=reverse("rereview:item", args=[item.pk]))
    return item


# --- 公示 of the failed bases ----------------------------------------------------------------------

def _notice_text(rnd: ReReviewRound) -> tuple[str, str]:
    call = rnd.call
    title = f"关于{call.title}不合格基地的公示"
    body = (f"根据{call.document_number}，{call.organiser.name}组织专家对{rnd.period_text}的基地建设进展情况"
            "进行了复审。"
            f"经专家评审，下列基地复审不合格，拟撤销其基地称号，现予公示，公示期为{call.publicity_days}个工作日。"
            "对公示结果有异议的单位或个人，请在公示期内实名以书面形式提出，并提供联系方式和必要的证明材料。")
    return title, body


@transaction.atomic
def publish_failures(*, round: ReReviewRound, user, publication_date: date, contact_phone: str,
                     contact_email: str, contact_address: str, request=None) -> Notice:
    """Put the failed bases on public notice (公示) for the call's working days, through publicity's notice."""
    rnd = ReReviewRound.objects.select_for_update().select_related("call__organiser").get(pk=round.pk)
    call = rnd.call
    _organiser_of(user, call)
    items = list(ReReviewItem.objects.filter(round=rnd).select_related("base"))
    undecided = [i.base.name for i in items if not i.outcome]
    if undecided:
        raise ValidationError(_("Decide every base first; undecided: %(names)s.") % {"names": "、".join(undecided)},
                              code="undecided")
    failed = sorted((i for i in items if i.outcome == ReReviewItem.Outcome.FAILED), key=lambda i: i.base.name)
    if not failed:
        raise ValidationError(_("No base failed: there is nothing to put on notice."), code="none_failed")
    if selectors.live_notice(rnd) is not None:
        raise ValidationError(_("The failures of this round are already on notice."), code="exists")
    title, body = _notice_text(rnd)
    notice = Notice.objects.create(call=call, title=title, body=body, contact_phone=(contact_phone or "").strip(),
                                   contact_email=(contact_email or "").strip(),
                                   contact_address=(contact_address or "").strip())
    NoticeItem.objects.bulk_create([
        NoticeItem(notice=notice, application_id=item.application_id, order=n, park_name=item.base.name,
                   city_name=item.base.city)
        for n, item in enumerate(failed, start=1)])
    try:
        notice.full_clean(exclude=["status"])
    except ValidationError as exc:
        raise ValidationError({k: v for k, v in exc.message_dict.items()}) from exc
    record_event(verb="rereview.failures_drafted", actor=user, target=call, organization=call.organiser,
                 data={"notice": notice.pk, "bases": [i.base_id for i in failed]}, request=request)
    return publicity_services.publish_notice(notice=notice, user=user, publication_date=publication_date,
                                             request=request)


# --- revocation ----------------------------------------------------------------------------------

def to_revoke(rnd: ReReviewRound, notice: Notice) -> list[ReReviewItem]:
    """The failed bases still on the notice (an upheld objection took the others off)."""
    kept = set(NoticeItem.objects.filter(notice=notice, removed=False).values_list("application_id", flat=True))
    return [i for i in ReReviewItem.objects.filter(round=rnd, outcome=ReReviewItem.Outcome.FAILED)
            .select_related("base", "application__park").order_by("base__name")
            if i.application_id in kept]


@transaction.atomic
def issue_revocation(*, round: ReReviewRound, user, document_number: str, document_date: date, title: str = "",
                     request=None) -> Revocation:
    """After the notice period, with every objection decided: the document revoking the failed bases' titles
    (PDF and Word rendered by a task); each of them becomes 撤销 through the bases app's status service."""
    rnd = ReReviewRound.objects.select_for_update().select_related("call__organiser").get(pk=round.pk)
    call = rnd.call
    _organiser_of(user, call)
    if Revocation.objects.filter(round=rnd).exists():
        raise ValidationError(_("The revocation document of this round has been issued already."), code="done")
    notice = publicity_services.settled_notice(
        call, unpublished=_("Put the failed bases on public notice first."),
        window_open=_("The notice period ends on %(date)s; the titles can be revoked after it."))
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _("Enter the document number.")})
    if document_date is None or document_date < notice.window_end:
        raise ValidationError({"document_date": _("The document is dated after the notice period.")})
    items = to_revoke(rnd, notice)
    if not items:
        raise ValidationError(_("Every objection to a failure was upheld: no title is revoked."), code="none")
    revocation = Revocation.objects.create(
        round=rnd, notice=notice, document_number=document_number, document_date=document_date, issued_by=user,
        title=(title or "").strip() or f"关于撤销{'、'.join(i.base.name for i in items)}基地称号的通知"[:200])
    now = timezone.now()
    for item in items:
        change_base_status(base=item.base, status=DesignatedBase.Status.REVOKED, user=user,
                           document_number=document_number, document_date=document_date,
                           reason=item.reason, source=f"rereview:{rnd.pk}", request=request)
        item.revoked_at = now
        item.save(update_fields=["revoked_at"])
        record_event(verb="rereview.revoked", actor=user, target=item.application, organization=call.organiser,
                     data={"document_number": document_number, "base": item.base_id}, request=request)
        notify(recipients=[m.user for m in park_memberships_for_application(item.application)],
               title=_("The title of %(base)s is revoked") % {"base": item.base.name},
               body=_("Document %(number)s of %(date)s revokes the title after the re-review and its public "
                      "notice.") % {"number": document_number, "date": cn_date(document_date)},
               link=reverse("rereview:item", args=[item.pk]))
    record_event(verb="rereview.revocation_issued", actor=user, target=call, organization=call.organiser,
                 data={"document_number": document_number, "bases": [i.base_id for i in items]}, request=request)
    from rereview.tasks import render_revocation_documents

    transaction.on_commit(lambda: render_revocation_documents.delay(revocation.pk))
    transaction.on_commit(bump_public_cache)
    return revocation


def store_revocation_documents(*, revocation_id: int) -> None:
    """Run by the task: render the PDF and the Word document once and keep them."""
    from django.core.files.base import ContentFile

    from rereview import documents

    revocation = Revocation.objects.select_related("round__call__organiser").get(pk=revocation_id)
    revocation.document_pdf.save(f"revocation-{revocation.pk}.pdf", ContentFile(documents.revocation_pdf(revocation)),
                                 save=False)
    revocation.document_docx.save(f"revocation-{revocation.pk}.docx",
                                  ContentFile(documents.revocation_docx(revocation)), save=False)
    Revocation.objects.filter(pk=revocation.pk).update(document_pdf=revocation.document_pdf.name,
                                                       document_docx=revocation.document_docx.name)
    bump_public_cache()
