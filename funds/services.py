"""Every change of state of the fund programme (珠商〔2019〕28号 五(三) 申报流程): checked, atomic, audited, told.

1. the enterprise applies for one or more items (the dossier is the applications app's: sections, autosave,
   uploads, versions, exports); 2. the district commerce bureau reviews first (初审意见); 4. the city bureau does the
   formal check and review (形式审查、评审) and drafts the funding plan (专项资金安排计划); 5. the plan is posted on
   the bureau's site (公示) for the call's working days; objections are verified and an upheld one cancels that
   item's support; then the plan goes to the city government (报市政府审批); 6. once approved (批复), the bureau
   issues it (下达专项资金计划).

Transitions are the programme's definition's (``workflows/fund.py``), performed through the engine.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from applications.filetypes import check_upload, safe_display_name
from applications.models import Application, Call, DossierSection
from applications.programmes import programme_of
from applications.services import ApplicationExists
from funds.dossier import COVER_KEY, outline
from funds.items import BASIC_MATERIALS, SEED_ITEMS
from funds.models import FundItem, FundPlan, FundReview, GovernmentApproval, ItemRequest, PlanObjection
from funds.spec import FUND
from portal.accounts.models import Organization, Role
from portal.accounts.selectors import memberships_of
from portal.audit.services import record_event
from portal.notifications.events import cn_day
from portal.notifications.services import notify_event
from portal.workdays import add_workdays
from portal.workflow import in_group, perform, tell

OPINION_MIN = 2
DUPLICATE_TYPE = _lazy("Items of the same type cannot be requested twice (同一类型项目不可重复申报).")


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _fund_call(call: Call) -> None:
    if programme_of(call) != FUND:
        raise ValidationError(_("This call is not a fund call."), code="programme")


# --- items ---------------------------------------------------------------------------------------

def install_items(call: Call, items: list[dict] = SEED_ITEMS, *, keep: bool = False) -> list[FundItem]:
    """Create or update a fund call's supported items from data (the seed's nine items by default). Items already
    requested are updated in place, never removed; with ``keep``, an item the call has keeps its figures (the
    officer may have changed them) and takes only its place in the list."""
    _fund_call(call)
    installed = []
    existing = {i.code: i for i in FundItem.objects.filter(call=call)} if keep else {}
    for order, row in enumerate(items, start=1):
        if row["code"] in existing:
            item = existing[row["code"]]
            if item.order != order:
                item.order = order
                item.save(update_fields=["order"])
            installed.append(item)
            continue
        values = {k: v for k, v in row.items() if k != "code"}
        values["order"] = order
        for money in ("cap", "total_cap", "expenditure_ratio"):
            if values.get(money) is not None:
                values[money] = Decimal(str(values[money]))
        item, _created = FundItem.objects.update_or_create(call=call, code=row["code"], defaults=values)
        installed.append(item)
    return installed


# --- the call (申报通知): drafted by the city bureau with its supported items, opened, closed -------------------

CALL_FIELDS = ("title", "document_number", "park_deadline", "recommend_deadline", "publicity_days")


def _organiser_of(user) -> Organization:
    """The city commerce bureau (市商务局) the fund officer works for: the call's organiser; its city is the call's."""
    for m in memberships_of(user):
        if (m.role == Role.FUND_OFFICER and m.organization.kind == Organization.Kind.CITY_COMMERCE
                and m.organization.region_id):
            return m.organization
    raise PermissionDenied


@transaction.atomic
def save_fund_call(*, user, values: dict, item_codes: list[str], call: Call | None = None, request=None) -> Call:
    """Draft a fund call, or change it while it is a draft: its title, document number, deadlines (the
    enterprises', the districts' preliminary review) and the working days of the plan's notice; the region is the
    bureau's city. Its supported items are those of the guide (seed 004) the officer keeps, in the guide's order."""
    creating = call is None
    if creating:
        _require(user, "funds.add_call")
        organiser = _organiser_of(user)
        call = Call(programme=FUND, organiser=organiser, region=organiser.region, issuers=organiser.name,
                    level=Call.Level.PROVINCIAL, quota_per_unit=1, co_review_required=False,
                    evidence_categories=BASIC_MATERIALS)
    else:
        call = Call.objects.select_for_update().get(pk=call.pk)
        _fund_call(call)
        _require(user, "funds.manage_call", call)
        if not in_group(call, "configurable"):
            raise ValidationError(_("The call is open: its settings and items are fixed."), code="state")
    errors = {}
    park_deadline, recommend_deadline = values.get("park_deadline"), values.get("recommend_deadline")
    if park_deadline is None or park_deadline <= timezone.now():
        errors["park_deadline"] = _("The deadline for enterprises must be in the future.")
    elif recommend_deadline is None or recommend_deadline <= park_deadline:
        errors["recommend_deadline"] = _("The districts' preliminary review ends after the enterprises' deadline.")
    chosen = [row for row in SEED_ITEMS if row["code"] in set(item_codes or [])]
    if not chosen:
        errors["items"] = _("Choose at least one supported item.")
    values = {**values, "title": (values.get("title") or "").strip()}
    if not values["title"] and values.get("year"):
        values["title"] = f"{values['year']}年{call.region.name}内外经贸发展专项资金（服务贸易发展事项）申报"
    if not values["title"]:
        errors["year"] = _("Enter the year of the call, or its title.")
    if not (values.get("document_number") or "").strip():
        errors["document_number"] = _("Enter the document number of the call.")
    if errors:
        raise ValidationError(errors)
    for name in CALL_FIELDS:
        value = values[name]
        setattr(call, name, value.strip() if isinstance(value, str) else value)
    call.recommending_tier = call.recommending_unit.key  # the district commerce bureaus (the definition's chain)
    # the status changes only through its transitions; enterprises apply, not parks of a type, to items, not
    # against the bases' basic conditions
    call.full_clean(exclude=["status", "recommending_tier", "park_types", "basic_conditions"])
    call.save()
    FundItem.objects.filter(call=call).exclude(code__in=[row["code"] for row in chosen]).delete()  # none requested
    install_items(call, chosen, keep=True)
    record_event(verb="call.created" if creating else "call.updated", actor=user, target=call,
                 organization=call.organiser, request=request, data={"items": [row["code"] for row in chosen]})
    return call


def _tiers(raw) -> list[list]:
    tiers = []
    for minimum, cap in raw or []:
        minimum, cap = Decimal(str(minimum)), Decimal(str(cap))
        if minimum < 0 or cap <= 0:
            raise ValidationError({"tiers": _("Each tier is a minimum and a cap above zero.")})
        if tiers and (minimum <= tiers[-1][0] or cap <= tiers[-1][1]):
            raise ValidationError({"tiers": _("Each tier has a higher minimum and a higher cap than the one "
                                              "before.")})
        tiers.append([minimum, cap])
    return [[int(m) if m == m.to_integral() else float(m), int(c) if c == c.to_integral() else float(c)]
            for m, c in tiers]


@transaction.atomic
def update_item(*, item: FundItem, user, tiers, cap, total_cap, standard: str, request=None) -> FundItem:
    """Change a supported item of a draft call: the tiers over its business figure (minimum → cap), or its flat cap,
    the cap in all, and the standard as the call states it."""
    item = FundItem.objects.select_for_update().select_related("call").get(pk=item.pk)
    _require(user, "funds.manage_call", item.call)
    if not in_group(item.call, "configurable"):
        raise ValidationError(_("The call is open: its settings and items are fixed."), code="state")
    errors = {}
    tiers = _tiers(tiers)
    if item.metric_label and not tiers:
        errors["tiers"] = _("An item with a business figure has at least one tier.")
    if not item.metric_label and tiers:
        errors["tiers"] = _("This item has no business figure: give its cap instead of tiers.")
    if not item.metric_label and not cap:
        errors["cap"] = _("Enter the item's cap in yuan.")
    if total_cap is not None and not item.per_unit:
        errors["total_cap"] = _("Only an item supported per project or person has a cap in all.")
    if len((standard or "").strip()) < 5:
        errors["standard"] = _("State the support standard.")
    if errors:
        raise ValidationError(errors)
    before = {"tiers": item.tiers, "cap": str(item.cap) if item.cap is not None else None,
              "total_cap": str(item.total_cap) if item.total_cap is not None else None}
    item.tiers, item.standard = tiers, standard.strip()
    item.cap = None if item.metric_label else cap
    item.total_cap = total_cap
    item.save(update_fields=["tiers", "cap", "total_cap", "standard"])
    record_event(verb="fund.item_changed", actor=user, target=item.call, organization=item.call.organiser,
                 request=request, data={"item": item.code, "before": before, "tiers": item.tiers,
                                        "cap": str(item.cap) if item.cap is not None else None,
                                        "total_cap": str(item.total_cap) if item.total_cap is not None else None})
    return item


def _items_for(call: Call, codes: list[str]) -> list[FundItem]:
    codes = [c for c in dict.fromkeys(codes or []) if c]
    items = list(FundItem.objects.filter(call=call, code__in=codes).order_by("order", "id"))
    if not items or len(items) != len(codes):
        raise ValidationError({"items": _("Choose one or more of the call's supported items.")})
    types = [i.item_type for i in items]
    if len(set(types)) != len(types):
        raise ValidationError({"items": DUPLICATE_TYPE})
    return items


def _enterprise_in_scope(call: Call, enterprise: Organization) -> bool:
    region = enterprise.region
    return region is not None and call.region_id is not None and call.region_id in {r.pk for r in region.ancestors()}


def _is_applicant(user, enterprise: Organization) -> bool:
    return enterprise.kind == Organization.Kind.ENTERPRISE and any(
        m.organization_id == enterprise.pk and m.role == Role.ENTERPRISE_APPLICANT for m in memberships_of(user))


@transaction.atomic
def start_application(*, call: Call, enterprise: Organization, user, item_codes: list[str],
                      request=None) -> Application:
    """An enterprise (not a park) applies to a fund call for the items it chooses; the dossier's sections come
    from those items."""
    if not _is_applicant(user, enterprise):
        raise PermissionDenied
    _fund_call(call)
    existing = Application.objects.filter(call=call, park=enterprise).first()
    if existing:
        raise ApplicationExists(existing)
    if call.status != Call.Status.OPEN or timezone.now() > call.park_deadline:
        raise ValidationError(_("This call is not open for applications."), code="closed")
    if not _enterprise_in_scope(call, enterprise):
        raise ValidationError(_("Only enterprises registered in the call's city may apply (一(一))."), code="scope")
    items = _items_for(call, item_codes)
    try:
        with transaction.atomic():
            application = Application.objects.create(call=call, park=enterprise, created_by=user)
    except IntegrityError as exc:
        raise ApplicationExists(Application.objects.get(call=call, park=enterprise)) from exc
    ItemRequest.objects.bulk_create([ItemRequest(application=application, item=i, item_type=i.item_type)
                                     for i in items])
    DossierSection.objects.bulk_create([DossierSection(application=application, key=s.key)
                                        for s in outline(items)])
    DossierSection.objects.filter(application=application, key=COVER_KEY).update(
        data={"park_name": enterprise.name, "credit_code": enterprise.credit_code})
    record_event(verb="application.started", actor=user, target=application, organization=enterprise,
                 request=request, data={"items": [i.code for i in items]})
    return application


@transaction.atomic
def add_item(*, application: Application, user, item_code: str, request=None) -> ItemRequest:
    """Request one more item while the application is a first draft. One item per type (六(二))."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require(user, "applications.edit_application", application)
    _fund_call(application.call)
    if application.latest_version_number:
        raise ValidationError(_("The items are fixed once the application has been submitted."), code="submitted")
    item = FundItem.objects.filter(call=application.call, code=item_code).first()
    if item is None:
        raise ValidationError({"item": _("Choose one of the call's supported items.")})
    if ItemRequest.objects.filter(application=application, item_type=item.item_type).exists():
        raise ValidationError({"item": DUPLICATE_TYPE},
                              code="duplicate")
    item_request = ItemRequest.objects.create(application=application, item=item, item_type=item.item_type)
    DossierSection.objects.get_or_create(application=application, key=item.section_key)
    record_event(verb="fund.item_added", actor=user, target=application, organization=application.park,
                 request=request, data={"item": item.code})
    return item_request


@transaction.atomic
def remove_item(*, item_request: ItemRequest, user, request=None) -> None:
    application = Application.objects.select_for_update().get(pk=item_request.application_id)
    _require(user, "applications.edit_application", application)
    if application.latest_version_number:
        raise ValidationError(_("The items are fixed once the application has been submitted."), code="submitted")
    if application.item_requests.count() <= 1:
        raise ValidationError(_("An application requests at least one item."), code="last")
    code = item_request.item.code
    DossierSection.objects.filter(application=application, key=item_request.item.section_key).delete()
    item_request.delete()
    record_event(verb="fund.item_removed", actor=user, target=application, organization=application.park,
                 request=request, data={"item": code})


# --- who is told ---------------------------------------------------------------------------------

def applicants_of(application) -> list:
    from applications.selectors import park_memberships_for_application

    return [m.user for m in park_memberships_for_application(application)]


def district_reviewers_of(application) -> list:
    from portal.accounts.models import Membership

    return [m.user for m in Membership.objects.filter(
        role=Role.DISTRICT_REVIEWER, is_active=True, organization__kind=Organization.Kind.DISTRICT_COMMERCE,
        organization__region_id=application.park.region_id).select_related("user")]


def fund_officers_of(obj) -> list:
    from portal.accounts.models import Membership

    call = getattr(obj, "call", obj)
    return [m.user for m in Membership.objects.filter(
        role=Role.FUND_OFFICER, is_active=True, organization_id=call.organiser_id).select_related("user")]


def _context(application) -> dict:
    return {"call": application.call.title, "park": application.park.name, "version": application.latest_version_number}


def after_submission(*, application, version, user) -> None:
    """Called by ``applications.services.submit_application`` (inside its transaction) for a fund application."""
    tell(application, "submit", context=_context(application),
         link={"park": reverse("applications:detail", args=[application.pk]),
               "district_reviewers": reverse("funds:district-review", args=[application.pk])})


# --- the district's preliminary review (初审) --------------------------------------------------------

DISTRICT_DECISIONS = {"approve": _lazy("passed the preliminary review"),
                      "return_for_revision": _lazy("returned for revision"), "reject": _lazy("not passed")}


def _reviewing_org(user, application, role: str) -> Organization:
    for m in memberships_of(user):
        if m.role == role and (m.organization.region_id == application.park.region_id
                               or m.organization_id == application.call.organiser_id):
            return m.organization
    raise PermissionDenied


def _opinion(opinion: str) -> str:
    opinion = (opinion or "").strip()
    if len(opinion) < OPINION_MIN:
        raise ValidationError({"opinion": _("Write the opinion (初审意见).")})
    return opinion


@transaction.atomic
def district_review(*, application: Application, user, decision: str, opinion: str, request=None) -> FundReview:
    """区商务部门出具初审意见: pass, return for revision, or not pass the latest version."""
    application = Application.objects.select_for_update(of=("self",)).select_related("call", "park").get(
        pk=application.pk)
    _require(user, "funds.district_review", application)
    if decision not in DISTRICT_DECISIONS:
        raise ValidationError({"decision": _("Choose a decision.")})
    opinion = _opinion(opinion)
    organization = _reviewing_org(user, application, Role.DISTRICT_REVIEWER)
    context = {**_context(application), "unit": organization.name, "decision": str(DISTRICT_DECISIONS[decision]),
               "reason": opinion}
    perform(application, decision, user=user, organization=application.park, request=request,
            data={"version": application.latest_version_number, "opinion": opinion, "unit": organization.name},
            context=context, link={"park": reverse("applications:detail", args=[application.pk]),
                                   "fund_officers": reverse("funds:city-review", args=[application.pk])})
    return FundReview.objects.create(application=application, tier=FundReview.Tier.DISTRICT,
                                     version_number=application.latest_version_number, decision=decision,
                                     opinion=opinion, reviewer=user, organization=organization)


# --- the city's formal check and review (形式审查、评审) ---------------------------------------------------

CITY_DECISIONS = {"evaluate": _lazy("passed the review"), "decline": _lazy("not supported")}


def _parse_amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({field: _("Enter an amount in yuan.")}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("Enter an amount in yuan.")})
    return amount


@transaction.atomic
def city_review(*, application: Application, user, decision: str, opinion: str, items: dict | None = None,
                request=None) -> FundReview:
    """The city bureau's review: per item a score and the support proposed (never above the item's maximum,
    which is never above the actual expenditure), then the review passed or the application not supported."""
    application = Application.objects.select_for_update(of=("self",)).select_related("call", "park").get(
        pk=application.pk)
    _require(user, "funds.city_review", application)
    if decision not in CITY_DECISIONS:
        raise ValidationError({"decision": _("Choose a decision.")})
    opinion = _opinion(opinion)
    requests = list(application.item_requests.select_related("item"))
    if decision == "evaluate":
        items = items or {}
        for item_request in requests:
            given = items.get(item_request.pk) or items.get(str(item_request.pk)) or {}
            field = f"amount_{item_request.pk}"
            amount = _parse_amount(given.get("amount", ""), field)
            if amount > (item_request.maximum_support or 0):
                raise ValidationError({field: _("%(item)s: at most %(max)s yuan (the item's maximum support).")
                                       % {"item": item_request.item.name, "max": item_request.maximum_support}})
            score = given.get("score")
            try:
                score = Decimal(str(score)).quantize(Decimal("0.1")) if score not in (None, "") else None
            except (ArithmeticError, ValueError) as exc:
                raise ValidationError({f"score_{item_request.pk}": _("Enter a score from 0 to 100.")}) from exc
            if score is not None and not (0 <= score <= 100):
                raise ValidationError({f"score_{item_request.pk}": _("Enter a score from 0 to 100.")})
            item_request.approved_amount, item_request.score = amount, score
            item_request.city_opinion = (given.get("opinion") or "").strip()[:2000]
        if not any(r.approved_amount for r in requests):
            raise ValidationError(_("Propose support for at least one item, or decide that it is not supported."))
    organization = _reviewing_org(user, application, Role.FUND_OFFICER)
    context = {**_context(application), "unit": organization.name, "decision": str(CITY_DECISIONS[decision]),
               "reason": opinion}
    perform(application, decision, user=user, organization=application.park, request=request,
            data={"version": application.latest_version_number, "opinion": opinion,
                  "items": {r.item.code: str(r.approved_amount) for r in requests if r.approved_amount is not None}},
            context=context, link=reverse("applications:detail", args=[application.pk]))
    if decision == "evaluate":
        ItemRequest.objects.bulk_update(requests, ["approved_amount", "score", "city_opinion"])
    return FundReview.objects.create(application=application, tier=FundReview.Tier.CITY,
                                     version_number=application.latest_version_number, decision=decision,
                                     opinion=opinion, reviewer=user, organization=organization)


# --- the funding plan (专项资金安排计划) -------------------------------------------------------------------

def plan_title(call: Call) -> str:
    return f"{call.title.removesuffix('申报')}安排计划"


@transaction.atomic
def draft_plan(*, call: Call, user, request=None) -> FundPlan:
    """拟定专项资金安排计划 from the reviewed applications (their items with support proposed)."""
    _require(user, "funds.manage_plan", call)
    plan = FundPlan.objects.filter(call=call).first()
    if plan is not None:
        return plan
    from funds.selectors import plan_rows

    if not plan_rows(call):
        raise ValidationError(_("No application has passed the city's review yet."), code="empty")
    plan = FundPlan.objects.create(call=call, title=plan_title(call), created_by=user)
    record_event(verb="fund_plan.drafted", actor=user, target=plan, organization=call.organiser, request=request)
    return plan


@transaction.atomic
def publish_plan(*, plan: FundPlan, user, start: date, request=None) -> FundPlan:
    """在市商务局网站公示: the window is the call's number of Chinese working days from ``start``."""
    plan = FundPlan.objects.select_for_update().select_related("call").get(pk=plan.pk)
    _require(user, "funds.manage_plan", plan)
    if start < timezone.localdate():
        raise ValidationError({"start": _("The notice cannot start in the past.")})
    try:
        end = add_workdays(start, plan.call.publicity_days)
    except Exception as exc:  # noqa: BLE001 - a year the working-day calendar does not know yet
        raise ValidationError({"start": str(exc)}) from exc
    plan.publicity_start, plan.publicity_end = start, end
    perform(plan, "publish", user=user, organization=plan.call.organiser, request=request,
            data={"window": f"{start.isoformat()}/{end.isoformat()}", "days": plan.call.publicity_days})
    return plan


@transaction.atomic
def record_objection(*, plan: FundPlan, user, item_request: ItemRequest, objector: str, contact: str, facts: str,
                     received_on: date, request=None) -> PlanObjection:
    """An objection received in writing, with real name and contact, during the notice (公示期内)."""
    plan = FundPlan.objects.select_for_update().select_related("call").get(pk=plan.pk)
    _require(user, "funds.manage_plan", plan)
    if plan.state != "publicity":
        raise ValidationError(_("Objections are received only while the plan is on public notice."), code="state")
    if item_request.application.call_id != plan.call_id:
        raise ValidationError({"item_request": _("Choose an item of the plan.")})
    errors = {}
    if not (objector or "").strip():
        errors["objector"] = _("Objections are handled with the objector's real name.")
    if not (contact or "").strip():
        errors["contact"] = _("Give the objector's contact details.")
    if len((facts or "").strip()) < 5:
        errors["facts"] = _("State the facts and reasons.")
    if received_on is None or not (plan.publicity_start <= received_on <= plan.publicity_end):
        errors["received_on"] = _("Objections are accepted only within the notice period (%(from)s to %(to)s).") % {
            "from": cn_day(plan.publicity_start), "to": cn_day(plan.publicity_end)}
    if errors:
        raise ValidationError(errors)
    objection = PlanObjection.objects.create(
        plan=plan, item_request=item_request, objector=objector.strip()[:60], contact=contact.strip()[:120],
        facts=facts.strip(), received_on=received_on, recorded_by=user)
    record_event(verb="fund_plan.objection_recorded", actor=user, target=plan, organization=plan.call.organiser,
                 request=request, data={"objection": objection.pk, "item_request": item_request.pk})
    return objection


@transaction.atomic
def file_objection(*, plan: FundPlan, item_request: ItemRequest, values: dict, ip: str | None = None,
                   human_verified: bool = False) -> PlanObjection:
    """Anyone objects to an item of the plan on the public form while it is on notice (公示期内), with real name,
    identity document and phone (the bases' public form's protections: the person's check after several objections
    from one network, the rate limits the view applies, the numbers encrypted); the objector keeps a tracking code.
    The city bureau verifies it as one received in writing."""
    from funds.selectors import objections_open, plan_rows
    from publicity.services import captcha_message, captcha_required, new_tracking_code

    plan = FundPlan.objects.select_for_update().select_related("call__organiser").get(pk=plan.pk)
    if not objections_open(plan):
        raise ValidationError(_("Objections are accepted only while the plan is on public notice."), code="closed")
    if item_request.pk not in {r.pk for r in plan_rows(plan.call)}:
        raise ValidationError({"item_request": _("Choose an item of the plan.")})
    if not human_verified and captcha_required(ip, objections=PlanObjection.objects.all()):
        raise ValidationError({"captcha": ValidationError(captcha_message(), code="captcha")})
    email = (values.get("email") or "").strip()
    objection = PlanObjection.objects.create(
        plan=plan, item_request=item_request, objector=values["name"].strip()[:60], contact=email[:120],
        facts=values["facts"].strip(), received_on=timezone.localdate(), channel=PlanObjection.Channel.ONLINE,
        tracking_code=new_tracking_code(), id_type=values["id_type"], id_number=values["id_number"],
        phone=values["phone"], email=email, ip_address=ip)
    record_event(verb="fund_plan.objection_received", target=plan, organization=plan.call.organiser,
                 data={"objection": objection.pk, "item_request": item_request.pk})
    notify_event(event="objection.received", call=plan.call, recipients=fund_officers_of(plan),
                 context={"call": plan.call.title, "park": item_request.application.park.name, "notice": plan.title,
                          "code": objection.tracking_code},
                 link=reverse("funds:plan", args=[plan.call_id]))
    return objection


@transaction.atomic
def decide_objection(*, objection: PlanObjection, user, upheld: bool, finding: str, request=None) -> PlanObjection:
    """核查: an upheld objection cancels the support of its item (取消该单位财政资金支持资格)."""
    objection = PlanObjection.objects.select_for_update().select_related(
        "plan__call", "item_request__item", "item_request__application__park").get(pk=objection.pk)
    plan = objection.plan
    _require(user, "funds.manage_plan", plan)
    if objection.decision != PlanObjection.Decision.PENDING:
        raise ValidationError(_("This objection has been decided."), code="decided")
    if plan.state != "publicity":
        raise ValidationError(_("Objections are decided while the plan is on notice."), code="state")
    finding = (finding or "").strip()
    if len(finding) < 2:
        raise ValidationError({"finding": _("Write what the verification found.")})
    objection.decision = PlanObjection.Decision.UPHELD if upheld else PlanObjection.Decision.NOT_UPHELD
    objection.finding, objection.decided_by, objection.decided_at = finding, user, timezone.now()
    objection.save()
    item_request = objection.item_request
    application = item_request.application
    record_event(verb="fund_plan.objection_decided", actor=user, target=plan, organization=plan.call.organiser,
                 request=request, data={"objection": objection.pk, "upheld": upheld})
    if upheld and item_request.status == ItemRequest.Status.ACTIVE:
        item_request.cancelled_reason = finding
        perform(item_request, "cancel", user=user, organization=application.park, request=request,
                data={"item": item_request.item.code, "objection": objection.pk}, call=plan.call,
                context={"call": plan.call.title, "name": item_request.item.name, "reason": finding},
                link=reverse("applications:detail", args=[application.pk]))
        if not application.item_requests.filter(status=ItemRequest.Status.ACTIVE,
                                                approved_amount__gt=0).exists():
            perform(application, "cancel_support", user=user, organization=application.park, request=request,
                    data={"objection": objection.pk})
    return objection


def reveal_objector_data(*, objection: PlanObjection, user, request=None) -> dict:
    """显示完整信息: an officer verifying an online objection sees the objector's full ID and phone numbers, each
    time audited (as on the bases' objections); once erased there is nothing to show."""
    from publicity.services import reveal_numbers

    plan = objection.plan
    _require(user, "funds.reveal_objector_data", plan)
    if objection.channel != PlanObjection.Channel.ONLINE or objection.personal_data_purged_at is not None:
        raise ValidationError(_("This objection holds no identity or phone number to show."), code="nothing")
    return reveal_numbers(objection, user=user, organization=plan.call.organiser, request=request)


@transaction.atomic
def submit_for_approval(*, plan: FundPlan, user, request=None) -> FundPlan:
    """报市政府审批: after the notice period, every objection verified."""
    plan = FundPlan.objects.select_for_update().select_related("call").get(pk=plan.pk)
    _require(user, "funds.manage_plan", plan)
    if plan.publicity_end and timezone.localdate() <= plan.publicity_end:
        raise ValidationError(_("The notice period ends on %(day)s.") % {"day": cn_day(plan.publicity_end)},
                              code="window")
    if plan.objections.filter(decision=PlanObjection.Decision.PENDING).exists():
        raise ValidationError(_("Verify every objection first."), code="objections")
    perform(plan, "submit_for_approval", user=user, organization=plan.call.organiser, request=request)
    return plan


@transaction.atomic
def record_approval(*, plan: FundPlan, user, document_number: str, document_date: date, uploaded_file,
                    request=None) -> GovernmentApproval:
    """市政府批复: its document number, date and the scanned reply."""
    plan = FundPlan.objects.select_for_update().select_related("call").get(pk=plan.pk)
    _require(user, "funds.manage_plan", plan)
    errors = {}
    document_number = (document_number or "").strip()
    if not document_number:
        errors["document_number"] = _("Enter the document number of the city government's reply.")
    if document_date is None or document_date > timezone.localdate():
        errors["document_date"] = _("Enter the date of the reply (not in the future).")
    if uploaded_file is None:
        errors["file"] = _("Attach the reply.")
    if errors:
        raise ValidationError(errors)
    name = safe_display_name(uploaded_file.name or "")
    kind, sha256 = check_upload(uploaded_file, name=name, max_bytes=settings.DOSSIER_MAX_FILE_MB * 1024 * 1024)
    perform(plan, "approve_plan", user=user, organization=plan.call.organiser, request=request,
            data={"document_number": document_number, "document_date": document_date.isoformat(), "sha256": sha256})
    approval = GovernmentApproval(plan=plan, document_number=document_number[:60], document_date=document_date,
                                  original_name=name, file_kind=kind, sha256=sha256, recorded_by=user)
    uploaded_file.seek(0)
    approval.file.save(name, uploaded_file, save=False)
    approval.save()
    return approval


@transaction.atomic
def issue_plan(*, plan: FundPlan, user, document_number: str, document_date: date, request=None) -> FundPlan:
    """市商务局下达专项资金计划: the plan's 公文 number and date; each funded enterprise is told."""
    plan = FundPlan.objects.select_for_update().select_related("call").get(pk=plan.pk)
    _require(user, "funds.manage_plan", plan)
    document_number = (document_number or "").strip()
    errors = {}
    if not document_number:
        errors["document_number"] = _("Enter the document number of the plan.")
    if document_date is None:
        errors["document_date"] = _("Enter the date of the document.")
    if errors:
        raise ValidationError(errors)
    plan.document_number, plan.document_date, plan.issued_at = document_number[:60], document_date, timezone.now()
    perform(plan, "issue", user=user, organization=plan.call.organiser, request=request,
            data={"document_number": plan.document_number})
    from funds.selectors import plan_rows

    funded = {row.application_id: row.application for row in plan_rows(plan.call)}
    for application in funded.values():
        perform(application, "fund", user=user, organization=application.park, request=request,
                data={"plan": plan.pk, "document_number": plan.document_number},
                context={"call": plan.call.title, "document": plan.document_number},
                link=reverse("applications:detail", args=[application.pk]))
    return plan
