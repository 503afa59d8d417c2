"""Notices, objections and designation: every change checked, atomic and audited."""

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from applications.exports import cn_date
from applications.filetypes import check_upload, safe_display_name
from applications.models import Call
from applications.selectors import park_memberships_for_application
from portal.accounts.models import Membership, Role
from portal.audit.services import record_event
from portal.home.caching import bump_public_cache
from portal.notifications.events import cn_day
from portal.notifications.services import notify_event
from portal.workdays import UnknownYear, add_workdays, unknown_year_message
from publicity.models import (
    DesignatedBase,
    Designation,
    Notice,
    NoticeItem,
    Objection,
    ObjectionFile,
    ObjectionNote,
)
from review.letters import letter_subject
from review.models import CandidateList

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
                   city_name=item.application.park.region.name if item.application.park.region else "")
        for item in items])
    record_event(verb="notice.drafted", actor=user, target=notice, organization=organiser, request=request)
    return notice


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
        raise ValidationError(unknown_year_message(exc.year), code="unknown_year") from exc
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
    notice.publish()
    notice.publication_date = publication_date
    notice.window_end = last_day
    notice.opens_at = max(opens_at, timezone.now()) if publication_date == timezone.localdate() else opens_at
    notice.closes_at = closes_at
    notice.published_by = user
    notice.published_at = timezone.now()
    notice.save()
    record_event(verb="notice.published", actor=user, target=notice, organization=notice.call.organiser,
                 data={"publication_date": publication_date.isoformat(), "window_end": last_day.isoformat()},
                 request=request)
    transaction.on_commit(bump_public_cache)
    for item in notice.items.select_related("application__park"):
        notify_event(event="notice.published", call=notice.call,
                     recipients=[m.user for m in park_memberships_for_application(item.application)],
                     context={"call": notice.call.title, "park": item.park_name, "notice": notice.title,
                              "window": window_text(notice)},
                     link=reverse("publicity:notice", args=[notice.pk]))
    return notice


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
    try:
        notice.withdraw()
    except TransitionNotAllowed as exc:
        raise ValidationError(_("Only a published notice can be withdrawn.")) from exc
    notice.withdrawn_reason = reason
    notice.withdrawn_at = timezone.now()
    notice.save()
    record_event(verb="notice.withdrawn", actor=user, target=notice, organization=notice.call.organiser,
                 data={"reason": reason}, request=request)
    transaction.on_commit(bump_public_cache)
    return notice


def close_due_notices(*, now=None) -> int:
    """Celery beat: record the closing of every published notice whose window has ended and tell the
    organiser. Nothing depends on it: the window is decided by time wherever it is read."""
    now = now or timezone.now()
    closed = 0
    for pk in Notice.objects.filter(status=Notice.Status.PUBLISHED, closes_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=pk)
            if notice.status != Notice.Status.PUBLISHED:
                continue
            notice.close()
            notice.save()
            record_event(verb="notice.closed", target=notice, organization=notice.call.organiser)
            notify_event(event="notice.closed", call=notice.call, recipients=_officers(notice.call),
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

class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _hit(key: str, limit: int, seconds: int) -> None:
    """Count one use of ``key`` in a window of ``seconds``; RateLimited beyond ``limit``."""
    window = int(timezone.now().timestamp()) // seconds
    full_key = f"ratelimit:{key}:{window}"
    cache.add(full_key, 0, seconds + 5)
    try:
        count = cache.incr(full_key)
    except ValueError:
        cache.set(full_key, 1, seconds + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=(window + 1) * seconds - int(timezone.now().timestamp()))


def check_rate(*, ip: str | None, phone: str) -> None:
    limits = settings.OBJECTION_RATE_LIMITS
    if ip:
        _hit(f"objection:ip:{ip}", limits["per_ip_per_hour"], 3600)
    _hit(f"objection:phone:{phone}", limits["per_phone_per_day"], 86400)


def check_rate_status(*, ip: str | None) -> None:
    """Look-ups of the status page: enough for a person, too few to guess tracking codes."""
    if ip:
        _hit(f"objection-status:ip:{ip}", settings.OBJECTION_RATE_LIMITS["status_per_ip_per_hour"], 3600)


def new_tracking_code() -> str:
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"YY-{body[:4]}-{body[4:8]}-{body[8:]}"


@transaction.atomic
def submit_objection(*, notice: Notice, item: NoticeItem, values: dict, files, ip: str | None = None) -> Objection:
    """Store an objection and its files in one transaction, or nothing."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    state = window_state(notice)
    if state != "open":
        raise ValidationError(_("Objections are not accepted outside the notice period."), code=state)
    if item.notice_id != notice.pk or item.removed:
        raise ValidationError({"item": _("Choose a candidate on this notice.")})
    max_file = settings.DOSSIER_MAX_FILE_MB * 1024 * 1024
    checked = []
    total = 0
    for upload in files:
        name = safe_display_name(upload.name or "")
        kind, sha256 = check_upload(upload, name=name, max_bytes=max_file)
        total += upload.size
        checked.append((upload, name, kind, sha256))
    if total > settings.OBJECTION_MAX_TOTAL_MB * 1024 * 1024:
        raise ValidationError({"files": _("The evidence files exceed %(n)s MB in all.")
                               % {"n": settings.OBJECTION_MAX_TOTAL_MB}})
    objection = Objection.objects.create(notice=notice, item=item, tracking_code=new_tracking_code(),
                                         ip_address=ip, **values)
    for upload, name, kind, sha256 in checked:
        stored = ObjectionFile(objection=objection, original_name=name, kind=kind, size=upload.size, sha256=sha256)
        upload.seek(0)
        stored.file.save(name, upload, save=False)
        stored.save()
    record_event(verb="objection.received", target=objection, organization=notice.call.organiser,
                 data={"notice": notice.pk, "item": item.pk, "files": len(checked)})
    notify_event(event="objection.received", call=notice.call, recipients=_officers(notice.call),
                 context={"call": notice.call.title, "park": item.park_name, "notice": notice.title,
                          "code": objection.tracking_code},
                 link=reverse("publicity:objection-manage", args=[objection.pk]))
    return objection


def find_objection(*, tracking_code: str, phone: str) -> Objection | None:
    """The status page: both the tracking code and the phone number must match."""
    code = (tracking_code or "").strip().upper()
    return Objection.objects.select_related("notice", "item").filter(
        tracking_code=code, phone=(phone or "").replace(" ", "")).first()


def _officer_of(user, objection: Objection) -> None:
    _require(user, "applications.manage_call", objection.notice.call)


@transaction.atomic
def add_note(*, objection: Objection, user, text: str, request=None) -> ObjectionNote:
    _officer_of(user, objection)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if objection.status == Objection.Status.RECEIVED:
        Objection.objects.filter(pk=objection.pk).update(status=Objection.Status.REGISTERED)
    note = ObjectionNote.objects.create(objection=objection, author=user, text=text)
    record_event(verb="objection.note", actor=user, target=objection, request=request)
    return note


@transaction.atomic
def register_objection(*, objection: Objection, user, request=None) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _officer_of(user, objection)
    if objection.status == Objection.Status.RECEIVED:
        objection.status = Objection.Status.REGISTERED
        objection.save(update_fields=["status"])
        record_event(verb="objection.registered", actor=user, target=objection, request=request)
    return objection


@transaction.atomic
def decide_objection(*, objection: Objection, user, outcome: str, reply: str, request=None) -> Objection:
    objection = Objection.objects.select_for_update().select_related("item", "notice__call").get(pk=objection.pk)
    _officer_of(user, objection)
    if objection.status == Objection.Status.DECIDED:
        raise ValidationError(_("This objection has already been decided."), code="decided")
    reply = (reply or "").strip()
    if outcome not in Objection.Outcome.values:
        raise ValidationError({"outcome": _("Choose upheld or not upheld.")})
    if len(reply) < 10:
        raise ValidationError({"reply": _("Write the reply to the objector (at least a sentence).")})
    objection.status = Objection.Status.DECIDED
    objection.outcome = outcome
    objection.reply = reply
    objection.decided_by = user
    objection.decided_at = timezone.now()
    objection.save()
    if outcome == Objection.Outcome.UPHELD:
        NoticeItem.objects.filter(pk=objection.item_id).update(removed=True)
        bump_public_cache()
    record_event(verb=f"objection.{outcome}", actor=user, target=objection,
                 organization=objection.notice.call.organiser, data={"reply": reply}, request=request)
    from publicity.tasks import email_objection_reply

    transaction.on_commit(lambda: email_objection_reply.delay(objection.pk))
    return objection


def send_reply_email(*, objection_id: int) -> None:
    from django.core.mail import send_mail

    from portal.notifications.services import render_event

    objection = Objection.objects.select_related("notice__call", "item").get(pk=objection_id)
    with translation.override(settings.LANGUAGE_CODE):
        outcome = str(objection.get_outcome_display())
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
    _require(user, "applications.manage_call", call)
    Call.objects.select_for_update().get(pk=call.pk)
    if Designation.objects.filter(call=call).exists():
        raise ValidationError(_("The bases of this call have already been designated."), code="done")
    notice = Notice.objects.filter(call=call).exclude(status=Notice.Status.WITHDRAWN).order_by("-pk").first()
    if notice is None or notice.status == Notice.Status.DRAFT:
        raise ValidationError(_("Publish the candidate list first."), code="no_notice")
    # Decided by time when read: the beat task that records the closing only sends the mail.
    if notice.closes_at is None or timezone.now() <= notice.closes_at:
        raise ValidationError(_("The notice period ends on %(date)s; designation is possible after it.")
                              % {"date": cn_date(notice.window_end)}, code="window_open")
    undecided = notice.objections.exclude(status=Objection.Status.DECIDED).count()
    if undecided:
        raise ValidationError(_("%(n)s objection(s) are not decided yet.") % {"n": undecided}, code="undecided")
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _("Enter the document number.")})
    designation = Designation.objects.create(
        call=call, notice=notice, document_number=document_number, document_date=document_date,
        title=title or _("Notice on designating the %(batch)s") % {"batch": letter_subject(call.title)},
        published_by=user)
    level = DesignatedBase.Level.NATIONAL if call.level == Call.Level.NATIONAL else DesignatedBase.Level.PROVINCIAL
    for item in notice.items.filter(removed=False).select_related("application__park__region__parent"):
        region = item.application.park.region
        province = region.parent.name if region and region.parent else (region.name if region else "")
        DesignatedBase.objects.create(
            designation=designation, application=item.application, name=item.park_name, province=province,
            city=item.city_name, level=level, batch=letter_subject(call.title), year=document_date.year,
            document_number=document_number)
    record_event(verb="designation.published", actor=user, target=call, organization=call.organiser,
                 data={"document_number": document_number, "bases": designation.bases.count()}, request=request)
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
        call=call, state__in=[Application.State.FORMAL_PASSED, Application.State.RECOMMENDED]
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
