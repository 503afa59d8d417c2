"""Notices, objections and designation: every change checked, atomic and audited."""

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.filetypes import check_upload, safe_display_name
from applications.models import Call
from applications.selectors import park_memberships_for_application
from portal.accounts.models import Membership, Role
from portal.accounts.selectors import memberships_of
from portal.audit.services import record_event
from portal.crypto import keyed_hash
from portal.documents import call_subject, cn_date
from portal.home.caching import bump_public_cache
from portal.notifications.events import cn_day
from portal.notifications.services import notify_event
from portal.ratelimit import RateLimited  # noqa: F401 - raised by the checks below, caught by the views
from portal.ratelimit import hit as _hit
from portal.workdays import UnknownYear, add_workdays
from portal.workflow import StepNotPossible, audiences_of, enter, in_group, perform, tell
from publicity.models import (
    Countersign,
    DesignatedBase,
    Designation,
    Notice,
    NoticeItem,
    Objection,
    ObjectionFile,
    ObjectionNote,
)
from review.models import CandidateList

COUNTERSIGN_SCAN_KINDS = {"pdf", "png", "jpg"}
COUNTERSIGN_SCAN_MAX_MB = 20
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# --- notices -------------------------------------------------------------------------------------

@transaction.atomic
def draft_notice(*, call: Call, user, request=None) -> Notice:
    _require(user, "applications.manage_call", call)
    candidate_list = CandidateList.objects.filter(call=call, status=CandidateList.Status.CONCURRED).first()
    if candidate_list is None:
        raise ValidationError(_("The candidate list has not been concurred yet."), code="not_concurred")
    existing = Notice.objects.filter(call=call).exclude(status=Notice.Status.WITHDRAWN).first()
    if existing:
        return existing
    organiser = call.organiser
    # The notice is an official text in the portal's language, whatever language the officer browses in.
    # Where objections go: the officer's own contacts to start with; the draft is edited before publishing.
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _notice_text(call)
    notice = Notice.objects.create(
        call=call, title=title, body=body, contact_phone=user.phone, contact_email=user.email, contact_address="")
    items = candidate_list.items.select_related("application__park__region").order_by("rank")
    NoticeItem.objects.bulk_create([
        NoticeItem(notice=notice, application=item.application, order=item.rank,
                   park_name=item.application.park.name,
                   city_name=_city_name(item.application.park.region))
        for item in items])
    record_event(verb="notice.drafted", actor=user, target=notice, organization=organiser, request=request)
    return notice


def _city_name(region) -> str:
    """The city a candidate is listed under: its prefecture-level city, also for a park in a district."""
    if region is None:
        return ""
    city = region.city if region.level != region.Level.CITY else region
    return city.name if city else region.name


def _notice_text(call: Call) -> tuple[str, str]:
    title = _("Public notice of the candidate list: %(call)s") % {"call": call.title}
    body = (_("In accordance with %(doc)s, after expert review the following candidates are proposed. They are "
              "published for public comment for %(days)s working days. Anyone with an objection may submit it in "
              "writing under their real name, with contact details and evidence, within the notice period.")
            % {"doc": call.document_number, "days": call.publicity_days})
    return title, body


class EditConflict(Exception):
    pass


@transaction.atomic
def update_notice(*, notice: Notice, user, fields: dict, base_revision: int, request=None) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require(user, "applications.manage_call", notice.call)
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(_("A published notice cannot be edited; it can only be withdrawn."), code="published")
    if notice.revision != base_revision:
        raise EditConflict
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.revision += 1
    notice.full_clean(exclude=["status"])
    notice.save()
    record_event(verb="notice.updated", actor=user, target=notice, organization=notice.call.organiser,
                 request=request)
    return notice


def notice_window(call: Call, publication_date) -> tuple:
    """(last day, opens at, closes at): ``publicity_days`` working days from the publication day."""
    try:
        last_day = add_workdays(publication_date, call.publicity_days)
    except UnknownYear as exc:
        # 公示5个工作日 cannot be counted into a year whose State Council schedule is not declared complete.
        raise ValidationError(
            _("The notice period of %(days)s working days from %(date)s runs into %(year)s, whose working-day "
              "calendar is not declared complete, so its last day cannot be known. %(detail)s")
            % {"days": call.publicity_days, "date": cn_date(publication_date), "year": exc.year, "detail": exc},
            code="unknown_year") from exc
    tz = timezone.get_default_timezone()
    opens_at = timezone.make_aware(datetime.combine(publication_date, time.min), tz)
    closes_at = timezone.make_aware(datetime.combine(last_day, time(23, 59, 59)), tz)
    return last_day, opens_at, closes_at


@transaction.atomic
def publish_notice(*, notice: Notice, user, publication_date, fields: dict | None = None,
                   base_revision: int | None = None, request=None) -> Notice:
    """Publish the draft; with ``fields`` the text typed in the same form is saved first, and nothing
    is saved if publishing is refused (one form, one step)."""
    if fields is not None:
        update_notice(notice=notice, user=user, fields=fields, request=request,
                      base_revision=notice.revision if base_revision is None else base_revision)
    notice = Notice.objects.select_for_update().select_related("call").get(pk=notice.pk)
    _require(user, "applications.manage_call", notice.call)
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(_("This notice has already been published."), code="already_published")
    if publication_date < timezone.localdate():
        raise ValidationError({"publication_date": _("The publication date cannot be in the past.")})
    if not notice.items.exists():
        raise ValidationError(_("The notice lists no candidate."))
    if not (notice.contact_phone and notice.contact_email and notice.contact_address):
        raise ValidationError(_("Fill in where objections go (phone, email and postal address) before publishing."),
                              code="contacts")
    last_day, opens_at, closes_at = notice_window(notice.call, publication_date)
    notice.publication_date = publication_date
    notice.window_end = last_day
    notice.opens_at = max(opens_at, timezone.now()) if publication_date == timezone.localdate() else opens_at
    notice.closes_at = closes_at
    notice.published_by = user
    notice.published_at = timezone.now()
    move = perform(notice, "publish", user=user, organization=notice.call.organiser, request=request,
                   notify=False,
                   data={"publication_date": publication_date.isoformat(), "window_end": last_day.isoformat()})
    transaction.on_commit(bump_public_cache)
    _tell_each_park(notice, move)
    return notice


def _tell_each_park(notice: Notice, move) -> None:
    """Tell the audiences of the notice's transition ``move`` (the parks on it) park by park, each message naming
    its park: ``portal.workflow.tell`` words one message for a whole audience."""
    told = audiences_of(notice, move.name)
    link = reverse("publicity:notice", args=[notice.pk])
    for item in notice.items.select_related("application__park"):
        park = {m.user_id for m in park_memberships_for_application(item.application)}
        for audience, users in told.items():
            notify_event(event=move.event_for(audience), call=notice.call, link=link,
                         recipients=[u for u in users if u.pk in park],
                         context={"call": notice.call.title, "park": item.park_name, "notice": notice.title,
                                  "window": window_text(notice)})


def window_text(notice: Notice) -> str:
    return f"{cn_day(notice.publication_date)}至{cn_day(notice.window_end)}"


def _officers(call: Call):
    return [m.user for m in Membership.objects.filter(organization=call.organiser, role=Role.PROVINCIAL_OFFICER,
                                                      is_active=True).select_related("user")]


@transaction.atomic
def withdraw_notice(*, notice: Notice, user, reason: str, request=None) -> Notice:
    notice = Notice.objects.select_for_update().select_related("call").get(pk=notice.pk)
    _require(user, "applications.manage_call", notice.call)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason; it is shown publicly.")})
    notice.withdrawn_reason = reason
    notice.withdrawn_at = timezone.now()
    try:
        perform(notice, "withdraw", user=user, organization=notice.call.organiser, data={"reason": reason},
                request=request)
    except StepNotPossible as exc:
        raise ValidationError(_("Only a published notice can be withdrawn.")) from exc
    transaction.on_commit(bump_public_cache)
    return notice


def close_due_notices(*, now=None) -> int:
    """Celery beat: record the closing of every published notice whose window has ended and tell the
    organiser. Nothing depends on it: the window is decided by time wherever it is read."""
    now = now or timezone.now()
    closed = 0
    for pk in Notice.objects.filter(status=Notice.Status.PUBLISHED, closes_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            notice = Notice.objects.select_for_update(of=("self",)).select_related("call").get(pk=pk)
            if notice.status != Notice.Status.PUBLISHED:
                continue
            perform(notice, "close", user=None, organization=notice.call.organiser,  # the portal acts
                    context={"call": notice.call.title, "notice": notice.title, "window": window_text(notice)},
                    link=reverse("publicity:manage-notice", args=[notice.call_id]))
            closed += 1
    if closed:
        bump_public_cache()
    return closed


def window_state(notice: Notice, now=None) -> str:
    """'before', 'open' or 'after' (or 'withdrawn') for objections."""
    now = now or timezone.now()
    if notice.status == Notice.Status.WITHDRAWN:
        return "withdrawn"
    if notice.status == Notice.Status.DRAFT or (notice.opens_at and now < notice.opens_at):
        return "before"
    if notice.closes_at and now > notice.closes_at:
        return "after"
    return "open"


# --- objections ----------------------------------------------------------------------------------

def _normal_phone(phone: str) -> str:
    """The phone as stored (mainland 11 digits or E.164), so that hashes of the same number match."""
    from portal.accounts.validators import normalize_mobile

    try:
        return normalize_mobile(phone or "")
    except ValidationError:
        return phone or ""


def check_rate(*, ip: str | None, phone: str, id_number: str = "") -> None:
    """Per address, per phone and per person (ID number); the cache keys hold keyed hashes, never the numbers."""
    limits = settings.OBJECTION_RATE_LIMITS
    if ip:
        _hit(f"objection:ip:{ip}", limits["per_ip_per_hour"], 3600)
    _hit(f"objection:phone:{keyed_hash(_normal_phone(phone))}", limits["per_phone_per_day"], 86400)
    if id_number:
        _hit(f"objection:person:{keyed_hash(id_number)}", limits["per_phone_per_day"], 86400)


def rate_limited_message(exc: RateLimited) -> str:
    return _("Too many objections were filed from this network or phone number in a short time. Please try again "
             "in %(minutes)s minutes; nothing has been stored.") % {"minutes": max(1, (exc.retry_after + 59) // 60)}


def check_rate_status(*, ip: str | None) -> None:
    """Look-ups of the status page: enough for a person, too few to guess tracking codes."""
    if ip:
        _hit(f"objection-status:ip:{ip}", settings.OBJECTION_RATE_LIMITS["status_per_ip_per_hour"], 3600)


def new_tracking_code() -> str:
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"YY-{body[:4]}-{body[4:8]}-{body[8:]}"


def captcha_message() -> str:
    return _("Several objections came from your network in the last hour: type the characters in the image, or "
             "answer the arithmetic question.")


def captcha_required(ip: str | None, now=None, *, objections=None) -> bool:
    """After OBJECTION_CAPTCHA_AFTER objections from one address within an hour, the next ones need a person's
    check (image captcha or arithmetic question). ``objections``: the queryset counted (with ``ip_address`` and
    ``created_at``): the notices' by default; the fund plan's for its own form."""
    if not ip:
        return False
    since = (now or timezone.now()) - timedelta(hours=1)
    counted = Objection.objects.all() if objections is None else objections
    return counted.filter(ip_address=ip, created_at__gte=since).count() >= settings.OBJECTION_CAPTCHA_AFTER


def _check_files(notice: Notice, files, *, field: str) -> list:
    """Each file checked by content and size; the total per objection (OBJECTION_MAX_TOTAL_MB) and the total a
    notice takes in one day (OBJECTION_MAX_DAILY_MB_PER_NOTICE), so that uploads cannot fill the storage."""
    from django.db.models import Sum

    max_file = settings.DOSSIER_MAX_FILE_MB * 1024 * 1024
    checked = []
    total = 0
    for upload in files:
        name = safe_display_name(upload.name or "")
        kind, sha256 = check_upload(upload, name=name, max_bytes=max_file)
        total += upload.size
        checked.append((upload, name, kind, sha256))
    if total > settings.OBJECTION_MAX_TOTAL_MB * 1024 * 1024:
        raise ValidationError({field: _("The evidence files exceed %(n)s MB in all.")
                               % {"n": settings.OBJECTION_MAX_TOTAL_MB}})
    if total:
        tz = timezone.get_current_timezone()
        day_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min), tz)
        today = ObjectionFile.objects.filter(objection__notice=notice, uploaded_at__gte=day_start).aggregate(
            n=Sum("size"))["n"] or 0
        if today + total > settings.OBJECTION_MAX_DAILY_MB_PER_NOTICE * 1024 * 1024:
            raise ValidationError({field: _(
                "This notice has received as many evidence files today as it can take (%(n)s MB). Submit the "
                "objection without files or with fewer, and send the rest by post or email to the address on "
                "the notice; or try again tomorrow.") % {"n": settings.OBJECTION_MAX_DAILY_MB_PER_NOTICE}})
    return checked


def _store_files(objection: Objection, checked: list) -> None:
    for upload, name, kind, sha256 in checked:
        stored = ObjectionFile(objection=objection, original_name=name, kind=kind, size=upload.size, sha256=sha256)
        upload.seek(0)
        stored.file.save(name, upload, save=False)
        stored.save()


def _received(objection: Objection, name: str, *, user, checked: list, data: dict | None = None,
              request=None) -> Objection:
    """Create the objection by the entry ``name`` of its definition (audited), store its files and tell the
    definition's audiences (the officers), with the link to the objection it now has."""
    notice = objection.notice
    enter(objection, name, user=user, organization=notice.call.organiser, request=request, notify=False,
          data={"notice": notice.pk, "item": objection.item_id, "files": len(checked), **(data or {})})
    _store_files(objection, checked)
    tell(objection, name, link=reverse("publicity:objection-manage", args=[objection.pk]),
         context={"call": notice.call.title, "park": objection.item.park_name, "notice": notice.title,
                  "code": objection.tracking_code})
    return objection


@transaction.atomic
def submit_objection(*, notice: Notice, item: NoticeItem, values: dict, files, ip: str | None = None,
                     human_verified: bool = False) -> Objection:
    """Store an objection and its files in one transaction, or nothing."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    state = window_state(notice)
    if state != "open":
        raise ValidationError(_("Objections are not accepted outside the notice period."), code=state)
    if item.notice_id != notice.pk or item.removed:
        raise ValidationError({"item": _("Choose a candidate on this notice.")})
    if not human_verified and captcha_required(ip):
        raise ValidationError({"captcha": ValidationError(captcha_message(), code="captcha")})
    checked = _check_files(notice, files, field="files")
    objection = Objection(notice=notice, item=item, tracking_code=new_tracking_code(), ip_address=ip,
                          channel=Objection.Channel.ONLINE, **values)
    # Filed by the public: nobody signed in acts (``publicity.file_objection`` holds while the window is open).
    return _received(objection, "file", user=AnonymousUser(), checked=checked)


@transaction.atomic
def register_postal_objection(*, notice: Notice, item: NoticeItem, values: dict, postmarked_on, scans, user,
                              request=None) -> Objection:
    """书面来函: an objection received by post, registered by the officer with the scan of the letter. The
    postmark must fall within the notice period; the letter may be registered after it has ended."""
    notice = Notice.objects.select_for_update().select_related("call").get(pk=notice.pk)
    _require(user, "applications.manage_call", notice.call)
    if notice.status not in (Notice.Status.PUBLISHED, Notice.Status.CLOSED):
        raise ValidationError(_("Letters can be registered on a published notice only."), code="not_published")
    if item.notice_id != notice.pk or item.removed:
        raise ValidationError({"item": _("Choose a candidate on this notice.")})
    if postmarked_on is None or not (notice.publication_date <= postmarked_on <= notice.window_end):
        raise ValidationError({"postmarked_on": _(
            "The postmark must fall within the notice period (%(start)s to %(end)s); a later letter is not an "
            "objection to this notice.") % {"start": cn_date(notice.publication_date),
                                            "end": cn_date(notice.window_end)}})
    scans = list(scans or [])
    if not scans:
        raise ValidationError({"scans": _("Attach the scan of the letter.")})
    checked = _check_files(notice, scans, field="scans")
    allowed = {"name", "organization", "id_type", "id_number", "phone", "email", "postal_address", "facts"}
    objection = Objection(notice=notice, item=item, tracking_code=new_tracking_code(), channel=Objection.Channel.POST,
                          postmarked_on=postmarked_on, registered_by=user,
                          **{k: v for k, v in values.items() if k in allowed})
    return _received(objection, "register_postal", user=user, checked=checked, request=request,
                     data={"postmarked_on": postmarked_on.isoformat()})


@transaction.atomic
def not_accept_objections(*, notice: Notice, objection_ids, user, reason: str, explanation: str,
                          request=None) -> list[Objection]:
    """不予受理 (anonymous, false identity, out of scope, duplicate), for one objection or several: each is then
    decided, with the reason and the explanation sent to the objector, and no longer holds up designation."""
    notice = Notice.objects.select_related("call").get(pk=notice.pk)
    _require(user, "applications.manage_call", notice.call)
    if reason not in Objection.NotAcceptedReason.values:
        raise ValidationError({"reason": _("Choose the reason for not accepting.")})
    explanation = (explanation or "").strip()
    if len(explanation) < 10:
        raise ValidationError({"explanation": _("Explain to the objector why (at least a sentence).")})
    ids = sorted({int(pk) for pk in objection_ids})
    if not ids:
        raise ValidationError({"objections": _("Choose the objections.")})
    objections = list(Objection.objects.select_for_update().filter(notice=notice, pk__in=ids).order_by("pk"))
    if len(objections) != len(ids):
        raise ValidationError({"objections": _("Choose objections of this notice.")})
    decided = [o.tracking_code for o in objections if o.status == Objection.Status.DECIDED]
    if decided:
        raise ValidationError({"objections": _("Already decided: %(codes)s.") % {"codes": "、".join(decided)}},
                              code="decided")
    from publicity.tasks import email_objection_reply

    now = timezone.now()
    for objection in objections:
        objection.notice = notice
        objection.outcome = Objection.Outcome.NOT_ACCEPTED
        objection.not_accepted_reason = reason
        objection.reply = explanation
        objection.decided_by = user
        objection.decided_at = now
        perform(objection, "not_accept", user=user, organization=notice.call.organiser, request=request,
                data={"reason": reason, "reply": explanation, "bulk": len(objections) > 1})
        if objection.email:
            transaction.on_commit(lambda pk=objection.pk: email_objection_reply.delay(pk))
    return objections


def stored_receipt(*, objection: Objection) -> bytes:
    """The receipt (异议受理回执) PDF: rendered the first time it is asked for, then kept and served as stored."""
    from django.core.files.base import ContentFile

    from publicity import documents

    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("notice", "item").get(pk=objection.pk)
        if not objection.receipt_pdf:
            content = documents.receipt_pdf(objection)
            objection.receipt_pdf.save(f"{objection.tracking_code}.pdf", ContentFile(content), save=False)
            Objection.objects.filter(pk=objection.pk).update(receipt_pdf=objection.receipt_pdf.name)
            record_event(verb="objection.receipt_stored", target=objection,
                         data={"sha256": hashlib.sha256(content).hexdigest()})
            return content
    with objection.receipt_pdf.open("rb") as handle:
        return handle.read()


def find_tracked(objections, *, tracking_code: str, phone: str):
    """The one of ``objections`` (a queryset of a model with ``tracking_code`` and ``phone_hash``) whose tracking
    code and phone number both match, or None: a status page's look-up (after the numbers are erased, none)."""
    code = (tracking_code or "").strip().upper()
    phone_hash = keyed_hash(_normal_phone(phone))
    if not code or not phone_hash:
        return None
    return objections.filter(tracking_code=code, phone_hash=phone_hash).first()


def find_objection(*, tracking_code: str, phone: str) -> Objection | None:
    """The status page: both the tracking code and the phone number must match."""
    return find_tracked(Objection.objects.select_related("notice", "item"), tracking_code=tracking_code, phone=phone)


def _officer_of(user, objection: Objection) -> None:
    _require(user, "applications.manage_call", objection.notice.call)


@transaction.atomic
def add_note(*, objection: Objection, user, text: str, request=None) -> ObjectionNote:
    _officer_of(user, objection)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    register_objection(objection=objection, user=user, request=request)  # a note starts the investigation
    note = ObjectionNote.objects.create(objection=objection, author=user, text=text)
    record_event(verb="objection.note", actor=user, target=objection, request=request)
    return note


def reveal_numbers(objection, *, user, organization, request=None) -> dict:
    """The full ID and phone numbers of an objection (of either programme) to an officer the caller has checked;
    every time is audited."""
    record_event(verb="objection.personal_data_revealed", actor=user, target=objection, organization=organization,
                 request=request)
    return {"id_number": objection.id_number, "phone": objection.phone}


def reveal_personal_data(*, objection: Objection, user, request=None) -> dict:
    """显示完整信息: the handling officer sees the full ID and phone numbers; every time is audited."""
    _officer_of(user, objection)
    return reveal_numbers(objection, user=user, organization=objection.notice.call.organiser, request=request)


def retention_cutoff(today=None):
    """Designations dated on or before this day are past the retention period of objectors' numbers."""
    from dateutil.relativedelta import relativedelta

    today = today or timezone.localdate()
    return today - relativedelta(years=settings.OBJECTOR_DATA_RETENTION_YEARS)


def _designated_before(cutoff):
    return Objection.objects.filter(notice__call__designation__document_date__lte=cutoff)


# Whose objectors' numbers the retention period erases: (the objections past it, given the cutoff day; the field
# naming what they object to, which gets one audit event per purge). The bases' objections to a notice, erased
# OBJECTOR_DATA_RETENTION_YEARS after the designation; a programme with its own public objections adds its rule
# with register_retention (AppConfig.ready).
RETENTION_RULES: list[tuple] = [(_designated_before, "notice")]


def register_retention(due, *, group: str) -> None:
    if (due, group) not in RETENTION_RULES:
        RETENTION_RULES.append((due, group))


def _purge(due, *, group: str, cutoff) -> int:
    """Erase the numbers of the objections of ``due`` not erased yet, in one transaction and with one audit event
    (``objection.personal_data_purged``, on what they object to, for its call's organiser) per ``group``."""
    due = due.filter(personal_data_purged_at__isnull=True)
    model = due.model
    purged = 0
    for group_id in list(due.order_by().values_list(f"{group}_id", flat=True).distinct()):
        with transaction.atomic():
            objections = list(model.objects.select_for_update().filter(
                pk__in=due.filter(**{f"{group}_id": group_id}).values("pk")))
            if not objections:
                continue
            target = model._meta.get_field(group).related_model.objects.select_related("call__organiser").get(
                pk=group_id)
            now = timezone.now()
            for objection in objections:
                objection.id_number = ""
                objection.phone = ""
                objection.personal_data_purged_at = now
                objection.save(update_fields=["id_number", "phone", "personal_data_purged_at"])
            record_event(verb="objection.personal_data_purged", target=target, organization=target.call.organiser,
                         data={"objections": len(objections), "cutoff": cutoff.isoformat()})
            purged += len(objections)
    return purged


def purge_objector_data(*, today=None) -> int:
    """Celery beat: erase the ID and phone numbers of objections past the retention period, under each rule of
    RETENTION_RULES: those to calls designated more than OBJECTOR_DATA_RETENTION_YEARS ago, and those of the
    programmes that registered theirs (the objection itself, its facts and outcome stay). One audit event per
    notice (or what else they object to)."""
    cutoff = retention_cutoff(today)
    return sum(_purge(due(cutoff), group=group, cutoff=cutoff) for due, group in RETENTION_RULES)


@transaction.atomic
def register_objection(*, objection: Objection, user, request=None) -> Objection:
    objection = Objection.objects.select_for_update(of=("self",)).select_related("notice__call").get(pk=objection.pk)
    _officer_of(user, objection)
    if in_group(objection, "awaiting_registration"):
        perform(objection, "register", user=user, request=request)
    return objection


# The outcome of a decision on the merits → the objection's transition that records it.
DECISIONS = {Objection.Outcome.UPHELD: "uphold", Objection.Outcome.NOT_UPHELD: "not_uphold"}


@transaction.atomic
def decide_objection(*, objection: Objection, user, outcome: str, reply: str, request=None) -> Objection:
    objection = Objection.objects.select_for_update().select_related("item", "notice__call").get(pk=objection.pk)
    _officer_of(user, objection)
    if objection.status == Objection.Status.DECIDED:
        raise ValidationError(_("This objection has already been decided."), code="decided")
    reply = (reply or "").strip()
    if outcome not in DECISIONS:
        raise ValidationError({"outcome": _("Choose upheld or not upheld.")})
    if len(reply) < 10:
        raise ValidationError({"reply": _("Write the reply to the objector (at least a sentence).")})
    objection.outcome = outcome
    objection.reply = reply
    objection.decided_by = user
    objection.decided_at = timezone.now()
    perform(objection, DECISIONS[outcome], user=user, organization=objection.notice.call.organiser,
            data={"reply": reply}, request=request)
    if outcome == Objection.Outcome.UPHELD:
        NoticeItem.objects.filter(pk=objection.item_id).update(removed=True)
        bump_public_cache()
    from publicity.tasks import email_objection_reply

    transaction.on_commit(lambda: email_objection_reply.delay(objection.pk))
    return objection


def send_reply_email(*, objection_id: int) -> None:
    from django.core.mail import send_mail

    from portal.notifications.services import render_event

    objection = Objection.objects.select_related("notice__call", "item").get(pk=objection_id)
    if not objection.email:  # a letter without an email address: the officer replies by post
        return
    with translation.override(settings.LANGUAGE_CODE):
        outcome = str(objection.get_outcome_display())
        if objection.not_accepted_reason:
            outcome = f"{outcome}（{objection.get_not_accepted_reason_display()}）"
    title, body = render_event(
        event="objection.decided", call=objection.notice.call, link=reverse("publicity:objection-status"),
        context={"call": objection.notice.call.title, "name": objection.name, "park": objection.item.park_name,
                 "notice": objection.notice.title, "outcome": outcome, "reply": objection.reply,
                 "code": objection.tracking_code})
    send_mail(title, body, None, [objection.email])


# --- designation ---------------------------------------------------------------------------------

@transaction.atomic
def designate(*, call: Call, user, document_number: str, document_date, title: str = "",
              request=None) -> Designation:
    """Draft the designation document (发文确定) after the notice period. The call's co-issuing departments
    are asked to countersign it (会签); a call without co-issuers publishes it at once."""
    _require(user, "applications.manage_call", call)
    Call.objects.select_for_update().get(pk=call.pk)
    if Call.objects.filter(pk=call.pk, rereview_round__isnull=False).exists():
        # A re-review round's call (rereview) revokes titles by its own document; it designates no base.
        raise ValidationError(_("This is a re-review round: it designates no base."), code="rereview")
    if Designation.objects.filter(call=call).exists():
        raise ValidationError(_("The bases of this call have already been designated."), code="done")
    notice = settled_notice(call, unpublished=_("Publish the candidate list first."),
                            window_open=_("The notice period ends on %(date)s; designation is possible after it."))
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _("Enter the document number.")})
    designation = Designation.objects.create(
        call=call, notice=notice, document_number=document_number, document_date=document_date,
        title=title or _("Notice on designating the %(batch)s") % {"batch": call_subject(call.title)},
        status=Designation.Status.COUNTERSIGNING, drafted_by=user, drafted_at=timezone.now())
    co_issuers = list(call.co_issuers.order_by("name"))
    record_event(verb="designation.drafted", actor=user, target=call, organization=call.organiser,
                 data={"document_number": document_number, "co_issuers": [o.name for o in co_issuers]},
                 request=request)
    if not co_issuers:
        return _publish(designation, user, request)
    # The hook for reminders: one event per department whose 会签 is awaited.
    for org in co_issuers:
        record_event(verb="designation.countersign_requested", actor=user, target=call, organization=org,
                     data={"designation": designation.pk, "department": org.name}, request=request)
    notify_event(event="designation.countersign_requested", call=call,
                 recipients=_co_issuer_users(call, co_issuers),
                 context={"call": call.title, "document": document_number},
                 link=reverse("publicity:countersign", args=[call.pk]))
    return designation


def settled_notice(call: Call, *, unpublished: str, window_open: str) -> Notice:
    """The call's published notice once its window has ended with every objection decided: what a document that
    follows a 公示 (the designation, the re-review's revocation) needs. ``unpublished`` and ``window_open``
    (with ``%(date)s``, the last day) are the refusals' wording."""
    notice = Notice.objects.filter(call=call).exclude(status=Notice.Status.WITHDRAWN).order_by("-pk").first()
    if notice is None or notice.status == Notice.Status.DRAFT:
        raise ValidationError(unpublished, code="no_notice")
    # Decided by time when read: the beat task that records the closing only sends the mail.
    if notice.closes_at is None or timezone.now() <= notice.closes_at:
        raise ValidationError(window_open % {"date": cn_date(notice.window_end)}, code="window_open")
    undecided = notice.objections.exclude(status=Objection.Status.DECIDED).count()
    if undecided:
        raise ValidationError(_("%(n)s objection(s) are not decided yet.") % {"n": undecided}, code="undecided")
    return notice


def _co_issuer_users(call: Call, organizations) -> list:
    return [m.user for m in Membership.objects.filter(
        organization__in=list(organizations), role=Role.PROVINCIAL_COREVIEWER, is_active=True,
        user__is_active=True).select_related("user")]


def awaited_countersigns(designation: Designation) -> list:
    """The co-issuing departments whose 会签 of ``designation`` is still missing."""
    signed = set(designation.countersigns.values_list("organization_id", flat=True))
    return [org for org in designation.call.co_issuers.order_by("name") if org.pk not in signed]


def countersigning_organizations(user, call: Call) -> list:
    """The co-issuers of ``call`` in which ``user`` is a co-reviewer."""
    co_issuers = set(call.co_issuers.values_list("pk", flat=True))
    return [m.organization for m in memberships_of(user)
            if m.role == Role.PROVINCIAL_COREVIEWER and m.organization_id in co_issuers]


def _locked_draft(designation: Designation) -> Designation:
    designation = Designation.objects.select_for_update().select_related("call").get(pk=designation.pk)
    if designation.status != Designation.Status.COUNTERSIGNING:
        raise ValidationError(_("The designation document is already published."), code="published")
    return designation


def _countersigned(designation: Designation, countersign: Countersign, request) -> None:
    call = designation.call
    if not awaited_countersigns(designation):
        notify_event(event="designation.countersigned", call=call, recipients=_officers(call),
                     context={"call": call.title, "document": designation.document_number},
                     link=reverse("publicity:manage-notice", args=[call.pk]))


@transaction.atomic
def countersign_designation(*, designation: Designation, user, opinion: str = "", request=None) -> Countersign:
    """会签 in the portal by a co-reviewer of one of the call's co-issuing departments."""
    designation = _locked_draft(designation)
    if not countersigning_organizations(user, designation.call):
        raise PermissionDenied
    orgs = [o for o in countersigning_organizations(user, designation.call)
            if not designation.countersigns.filter(organization=o).exists()]
    if not orgs:
        raise ValidationError(_("Your department has already countersigned."), code="signed")
    countersign = Countersign.objects.create(
        designation=designation, organization=orgs[0], mode=Countersign.Mode.ONLINE, signed_by=user,
        signed_on=timezone.localdate(), opinion=(opinion or "").strip()[:2000])
    record_event(verb="designation.countersigned", actor=user, target=designation.call, organization=orgs[0],
                 data={"designation": designation.pk, "mode": "online"}, request=request)
    _countersigned(designation, countersign, request)
    return countersign


@transaction.atomic
def record_offline_countersign(*, designation: Designation, user, organization, signed_on, scan,
                               request=None) -> Countersign:
    """线下会签: a department signed the document on paper; the organiser records it with the scan."""
    designation = _locked_draft(designation)
    _require(user, "applications.manage_call", designation.call)
    if organization is None or not designation.call.co_issuers.filter(pk=organization.pk).exists():
        raise ValidationError({"organization": _("Choose one of the call's co-issuing departments.")})
    if designation.countersigns.filter(organization=organization).exists():
        raise ValidationError({"organization": _("%(org)s has already countersigned.") % {"org": organization}})
    if signed_on is None or signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Enter the date on the signed document (not in the future).")})
    if scan is None:
        raise ValidationError({"scan": _("Attach the scanned document signed by the department.")})
    name = safe_display_name(scan.name or "")
    try:
        kind, sha256 = check_upload(scan, name=name, max_bytes=COUNTERSIGN_SCAN_MAX_MB * 1024 * 1024)
    except ValidationError as exc:
        raise ValidationError({"scan": exc.messages}) from exc
    if kind not in COUNTERSIGN_SCAN_KINDS:
        raise ValidationError({"scan": _("The scan must be a PDF, PNG or JPG file.")})
    countersign = Countersign(
        designation=designation, organization=organization, mode=Countersign.Mode.OFFLINE, signed_by=user,
        signed_on=signed_on, scan_name=name, scan_kind=kind, scan_sha256=sha256)
    countersign.scan.save(sha256, scan, save=False)
    countersign.save()
    record_event(verb="designation.countersigned_offline", actor=user, target=designation.call,
                 organization=organization, request=request,
                 data={"designation": designation.pk, "mode": "offline", "signed_on": signed_on.isoformat(),
                       "scan": countersign.scan_name, "sha256": sha256})
    _countersigned(designation, countersign, request)
    return countersign


@transaction.atomic
def publish_designation(*, designation: Designation, user, request=None) -> Designation:
    """Publish the jointly issued document once every co-issuing department has countersigned."""
    designation = _locked_draft(designation)
    _require(user, "applications.manage_call", designation.call)
    missing = awaited_countersigns(designation)
    if missing:
        raise ValidationError(_("The designation is issued jointly: %(orgs)s must countersign (会签) it first.")
                              % {"orgs": "、".join(o.name for o in missing)}, code="countersign")
    return _publish(designation, user, request)


def _publish(designation: Designation, user, request) -> Designation:
    call, notice = designation.call, designation.notice
    designation.status = Designation.Status.PUBLISHED
    designation.published_by = user
    designation.published_at = timezone.now()
    designation.save()
    level = DesignatedBase.Level.NATIONAL if call.level == Call.Level.NATIONAL else DesignatedBase.Level.PROVINCIAL
    for item in notice.items.filter(removed=False).select_related("application__park__region__parent"):
        region = item.application.park.region
        province = region.province.name if region and region.province else ""
        DesignatedBase.objects.create(
            designation=designation, application=item.application, name=item.park_name, province=province,
            city=item.city_name, level=level, batch=call_subject(call.title), year=designation.document_date.year,
            document_number=designation.document_number, park=item.application.park, organiser=call.organiser)
    record_event(verb="designation.published", actor=user, target=call, organization=call.organiser,
                 data={"document_number": designation.document_number, "bases": designation.bases.count(),
                       "countersigned_by": list(designation.countersigns.values_list("organization__name",
                                                                                     flat=True))},
                 request=request)
    _tell_parks_the_outcome(call, notice, designation)
    from publicity.tasks import render_designation_documents

    transaction.on_commit(lambda: render_designation_documents.delay(designation.pk))
    transaction.on_commit(bump_public_cache)
    return designation


def _tell_parks_the_outcome(call: Call, notice: Notice, designation: Designation) -> None:
    """已认定 to the designated parks; 未入选 with the reason to the others that reached the expert stage."""
    from applications.models import Application

    context = {"call": call.title, "document": designation.document_number}
    link = reverse("bases")
    on_notice = {}
    for item in notice.items.select_related("application__park"):
        on_notice[item.application_id] = item
        if item.removed:
            upheld = item.objections.filter(outcome=Objection.Outcome.UPHELD).order_by("-decided_at").first()
            reason = _("An objection to it was upheld: %(reply)s") % {"reply": upheld.reply if upheld else ""}
            event = "designation.not_selected"
        else:
            reason, event = "", "designation.designated"
        notify_event(event=event, call=call, link=link if event.endswith("designated") else "",
                     recipients=[m.user for m in park_memberships_for_application(item.application)],
                     context={**context, "park": item.park_name, "reason": reason})
    others = Application.objects.filter(
        call=call, state__in=call.states("with_organiser")
    ).exclude(pk__in=on_notice).select_related("park")
    for application in others:
        notify_event(event="designation.not_selected", call=call,
                     recipients=[m.user for m in park_memberships_for_application(application)],
                     context={**context, "park": application.park.name,
                              "reason": _("It was not on the candidate list after the expert review.")},
                     link=reverse("applications:detail", args=[application.pk]))


def store_designation_documents(*, designation_id: int) -> None:
    from django.core.files.base import ContentFile

    from publicity import documents

    designation = Designation.objects.select_related("call__organiser").get(pk=designation_id)
    designation.document_pdf.save(f"designation-{designation.call_id}.pdf",
                                  ContentFile(documents.designation_pdf(designation)), save=False)
    designation.document_docx.save(f"designation-{designation.call_id}.docx",
                                   ContentFile(documents.designation_docx(designation)), save=False)
    Designation.objects.filter(pk=designation.pk).update(document_pdf=designation.document_pdf.name,
                                                         document_docx=designation.document_docx.name)
    bump_public_cache()


def time_left(notice: Notice, now=None) -> timedelta | None:
    now = now or timezone.now()
    if notice.closes_at and now < notice.closes_at:
        return notice.closes_at - now
    return None
