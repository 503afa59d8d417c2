"""Every change of state of calls and applications: checked, atomic, audited, notified."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import eligibility
from applications.dossier import DERIVED_SECTIONS, EVIDENCE_KEY, SECTIONS
from applications.filetypes import check_upload, safe_display_name
from applications.models import (
    Application,
    ApplicationVersion,
    Attachment,
    Call,
    CallRegionClass,
    DossierExport,
    DossierSection,
    Threshold,
)
from applications.programmes import is_bases, spec_for
from applications.selectors import (
    active_attachments,
    merged_data,
    sections_of,
)
from portal.accounts.models import Organization, ParkType, Region, Role
from portal.audit.services import record_event
from portal.background import request_rendering, run_rendering
from portal.home.caching import bump_public_cache
from portal.notifications.events import cn_day
from portal.versioning import file_snapshot
from portal.workflow import perform


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# --- calls ---------------------------------------------------------------------------------------

@transaction.atomic
def save_call(*, user, call: Call, thresholds: list[dict], co_issuers=None, request=None) -> Call:
    """Create or update a call with its threshold rows (validated by the forms beforehand) and, when given,
    its co-issuing departments (会同单位)."""
    creating = call.pk is None
    # The organiser must be the officer's own department, whether creating or editing.
    if not user.has_perm("applications.manage_call", call):
        raise PermissionDenied
    if not creating and call.applications.exists() and Call.objects.filter(pk=call.pk).exclude(
            programme=call.programme).exists():
        raise ValidationError({"programme": _("Parks have applied to this call: its programme can no longer change.")})
    call.recommending_tier = call.recommending_unit.key  # the programme's review chain decides
    call.full_clean(exclude=["status"])  # the status changes only through its transitions
    if co_issuers is not None:
        co_issuers = _check_co_issuers(call, list(co_issuers))
    call.save()
    call.thresholds.all().delete()
    Threshold.objects.bulk_create([Threshold(call=call, **row) for row in thresholds])
    if co_issuers is not None:
        call.co_issuers.set(co_issuers)
    if creating:
        _replace_region_classes(call, default_region_classes(call))
    record_event(verb="call.created" if creating else "call.updated", actor=user, target=call,
                 organization=call.organiser, request=request,
                 data={"co_issuers": [o.name for o in call.co_issuers.order_by("name")]})
    if call.status != Call.Status.DRAFT:
        transaction.on_commit(bump_public_cache)  # the home page and the open-data API show it
    return call


def default_region_classes(call: Call) -> list[dict]:
    """The region classes a new call starts with, from the regions' built-in classes (DOMAIN.md §2):
    珠三角/粤东西北 for Guangdong, 东部/中西部和东北 nationally. Another province's call defines its own."""
    if call.level == Call.Level.NATIONAL:
        provinces = Region.objects.filter(level=Region.Level.PROVINCE)
        return [{"key": "east", "name": "东部", "regions": list(provinces.filter(national_class="east"))},
                {"key": "cwn", "name": "中西部和东北", "regions": list(provinces.exclude(national_class="east"))}]
    if not call.region_id:
        return []
    cities = Region.objects.filter(parent_id=call.region_id, level=Region.Level.CITY)
    rows = [{"key": key, "name": name, "regions": list(cities.filter(provincial_class=key))}
            for key, name in (("prd", "珠三角"), ("ewn", "粤东西北"))]
    return [row for row in rows if row["regions"]]


def ensure_default_region_classes(call: Call) -> None:
    """Give a call without region classes the default ones (load_demo, calls made before classes were data)."""
    if not call.region_classes.exists():
        _replace_region_classes(call, default_region_classes(call))


def _replace_region_classes(call: Call, classes: list[dict]) -> None:
    call.region_classes.all().delete()
    for row in classes:
        region_class = CallRegionClass.objects.create(call=call, key=row["key"], name=row["name"])
        region_class.regions.set(row["regions"])


def _in_scope(call: Call, region: Region) -> bool:
    if call.level == Call.Level.NATIONAL or not call.region_id:
        return True
    province = region.province
    return province is not None and province.pk == call.region_id and region.pk != call.region_id


@transaction.atomic
def save_region_classes(*, call: Call, user, classes: list[dict], request=None) -> Call:
    """Define the call's region classes (区域类别): each a key, a name and its regions. They select the
    threshold row of every park, so they are fixed once the call is open."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _require(user, "applications.manage_call", call)
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("The region classes are fixed once the call is open: they decide which thresholds "
                                "each park must meet."), code="open")
    keys, names, seen = set(), set(), {}
    for n, row in enumerate(classes, start=1):
        key, name, regions = (row.get("key") or "").strip(), (row.get("name") or "").strip(), row.get("regions") or []
        if not re.fullmatch(r"[a-z0-9_-]{1,20}", key):
            raise ValidationError(_("Class %(n)s: the key is 1–20 lower-case letters, digits, - or _.") % {"n": n})
        if not name:
            raise ValidationError(_("Class %(n)s: give its name, e.g. 珠三角.") % {"n": n})
        if key in keys or name in names:
            raise ValidationError(_("Class %(n)s: the key and the name must differ from the other classes.")
                                  % {"n": n})
        if not regions:
            raise ValidationError(_("%(name)s: list its regions.") % {"name": name})
        for region in regions:
            if not _in_scope(call, region):
                raise ValidationError(_("%(name)s: %(region)s is not in the call's province.")
                                      % {"name": name, "region": region.name})
            if region.pk in seen:
                raise ValidationError(_("%(region)s is in both %(a)s and %(b)s.")
                                      % {"region": region.name, "a": seen[region.pk], "b": name})
            seen[region.pk] = name
        keys.add(key)
        names.add(name)
    orphans = sorted(set(call.thresholds.values_list("region_class", flat=True)) - keys)
    if orphans:
        raise ValidationError(_("Threshold rows exist for %(keys)s; keep those classes or change the thresholds "
                                "first.") % {"keys": "、".join(orphans)}, code="orphans")
    _replace_region_classes(call, [{**row, "key": row["key"].strip(), "name": row["name"].strip()}
                                   for row in classes])
    record_event(verb="call.region_classes", actor=user, target=call, organization=call.organiser,
                 request=request, data={"classes": [{"key": r["key"], "name": r["name"],
                                                     "regions": [g.code for g in r["regions"]]} for r in classes]})
    return call


CO_ISSUER_KINDS = {Call.Level.PROVINCIAL: (Organization.Kind.PROVINCE_CAC, Organization.Kind.PROVINCE_MIIT),
                   Call.Level.NATIONAL: (Organization.Kind.MINISTRY,)}


def _check_co_issuers(call: Call, organizations: list[Organization]) -> list[Organization]:
    """会同 departments: a provincial call's departments of its own province (网信, 工信), a national call's
    ministries; never the organiser itself."""
    kinds = CO_ISSUER_KINDS.get(call.level, ())
    for org in organizations:
        if org.pk == call.organiser_id:
            raise ValidationError({"co_issuers": _("The organiser is not its own co-issuer.")})
        if org.kind not in kinds or (call.level == Call.Level.PROVINCIAL and org.region_id != call.region_id):
            raise ValidationError({"co_issuers": _("%(org)s cannot co-issue this call: a provincial call is issued "
                                                   "with the province's 网信 and 工信 departments, a national call "
                                                   "with ministries.") % {"org": org.name}})
    return organizations


@transaction.atomic
def open_call(*, user, call: Call, request=None) -> Call:
    """Open the call for applications: its deadline still ahead and what its programme asks before (the bases:
    the thresholds of every region class; another programme: its own check, e.g. the fund's supported items);
    then the programme's transition (its permission and audit verb)."""
    from applications.programmes import spec_for_call
    from portal.workflow import flow_of, perform

    call = Call.objects.select_for_update().get(pk=call.pk)
    _require(user, flow_of(call).transition("open").permission, call)
    if call.park_deadline <= timezone.now():
        raise ValidationError(_("The deadline for parks has passed; change it before opening the call."))
    if is_bases(call):
        if not call.thresholds.exists():
            raise ValidationError(_("Enter the thresholds before opening the call."))
        without = [name for key, name in call.region_classes.values_list("key", "name")
                   if not call.thresholds.filter(region_class=key).exists()]
        if without:
            raise ValidationError(_("Enter the thresholds of the region class(es) %(names)s before opening the "
                                    "call.") % {"names": "、".join(without)})
    else:
        spec_for_call(call).check_open(call)
    perform(call, "open", user=user, organization=call.organiser, request=request)
    transaction.on_commit(bump_public_cache)
    return call


@transaction.atomic
def close_call(*, user, call: Call, request=None) -> Call:
    """Close the call (its programme's transition, permission and audit verb)."""
    from portal.workflow import perform

    call = Call.objects.select_for_update().get(pk=call.pk)
    perform(call, "close", user=user, organization=call.organiser, request=request)
    transaction.on_commit(bump_public_cache)
    return call


# --- applications --------------------------------------------------------------------------------

class ApplicationExists(Exception):
    def __init__(self, application: Application):
        super().__init__(str(application))
        self.application = application


def call_accepts_park(call: Call, park: Organization) -> bool:
    if call.level == Call.Level.PROVINCIAL:
        if park.region is None:
            return False
        if park.region.level == Region.Level.CITY:
            return park.region.parent_id == call.region_id
        province = park.region.province  # a district or new area: its city's province
        return province is not None and province.pk == call.region_id
    return True


def park_type_refusal(call: Call, park: Organization) -> str:
    """Seed 000 二: "省级服务外包示范园区、经济技术开发区、高新技术开发区、数字经济相关产业园区或
    产业集聚区均可申报"; each call accepts only its configured park types. Empty when accepted."""
    accepted = [t for t in call.park_types if t in ParkType.values]
    if not accepted or set(park.park_types or []) & set(accepted):
        return ""
    labels = "、".join(str(ParkType(t).label) for t in accepted)
    own = "、".join(str(ParkType(t).label) for t in park.park_types or [] if t in ParkType.values)
    return _("This call accepts only these park types: %(accepted)s. Your park is registered as: %(own)s. "
             "If the registration is wrong, ask the system administrator to correct it.") % {
        "accepted": labels, "own": own or _("no park type")}


@transaction.atomic
def start_application(*, call: Call, park: Organization, user, request=None) -> Application:
    if park.kind != Organization.Kind.PARK or not park.memberships.filter(
            user=user, role=Role.PARK_ADMIN, is_active=True).exists():
        raise PermissionDenied
    existing = Application.objects.filter(call=call, park=park).first()
    if existing:
        raise ApplicationExists(existing)
    if not is_bases(call):
        raise ValidationError(_("This call is not open for applications."))
    if call.status != Call.Status.OPEN:
        raise ValidationError(_("This call is not open for applications."))
    if not call_accepts_park(call, park):
        raise ValidationError(_("Parks of your region cannot apply to this call."))
    refused_type = park_type_refusal(call, park)
    if refused_type:
        raise ValidationError(refused_type, code="park_type")
    try:
        with transaction.atomic():
            application = Application.objects.create(call=call, park=park, created_by=user)
    except IntegrityError as exc:  # a parallel start won the race
        raise ApplicationExists(Application.objects.get(call=call, park=park)) from exc
    DossierSection.objects.bulk_create([
        DossierSection(application=application, key=s.key) for s in SECTIONS
    ])
    cover = application.sections.get(key="cover")
    cover.data = {"park_name": park.name}
    cover.save(update_fields=["data"])
    record_event(verb="application.started", actor=user, target=application, organization=park,
                 request=request)
    return application


@dataclass
class EditConflict(Exception):
    section: DossierSection

    def __str__(self) -> str:
        return "edit conflict"


def _editable_section(application: Application, key: str, user) -> DossierSection:
    _require(user, "applications.edit_application", application)
    return DossierSection.objects.select_for_update().get(application=application, key=key)


@transaction.atomic
def save_section(*, application: Application, key: str, user, data: dict, complete: bool,
                 base_revision: int, request=None) -> DossierSection:
    """Store a validated section. ``base_revision`` is the revision the user opened; if someone
    saved in between, EditConflict is raised and nothing changes."""
    section = _editable_section(application, key, user)
    if section.revision != base_revision:
        raise EditConflict(section)
    if complete and key in DERIVED_SECTIONS:
        data = DERIVED_SECTIONS[key](data)  # the derived figures are the service's, whoever calls
    section.data = data
    section.complete = complete
    section.revision = F("revision") + 1
    drafts = dict(section.draft or {})
    drafts.pop(str(user.pk), None)
    section.draft = drafts or None
    section.updated_by = user
    section.updated_at = timezone.now()
    section.save()
    section.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    record_event(verb="application.section_saved", actor=user, target=application,
                 organization=application.park, data={"section": key, "complete": complete},
                 request=request)
    return section


@transaction.atomic
def autosave_section(*, application: Application, key: str, user, raw: dict,
                     base_revision: int | None = None) -> DossierSection:
    """Keep what the user is typing (unvalidated), per user, so that nothing is lost.

    ``base_revision`` is the revision the user opened: kept with the draft, so that saving a
    restored draft still detects a colleague's save in between."""
    section = _editable_section(application, key, user)
    if base_revision is None:
        base_revision = section.revision
    if base_revision < section.revision and section.updated_by_id == user.pk:
        return section  # a late autosave of text this user has since saved: nothing to keep
    drafts = dict(section.draft or {})
    drafts[str(user.pk)] = {"raw": raw, "saved_at": timezone.now().isoformat(),
                            "base_revision": base_revision}
    section.draft = drafts
    section.draft_saved_at = timezone.now()
    section.save(update_fields=["draft", "draft_saved_at"])
    return section


@transaction.atomic
def add_attachment(*, application: Application, user, uploaded_file, category: str,
                   request=None) -> Attachment:
    _require(user, "applications.edit_application", application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if category not in spec_for(application).evidence_categories(application):
        raise ValidationError({"category": _("Choose one of the call's evidence categories.")})
    name = safe_display_name(uploaded_file.name or "")
    max_file = settings.DOSSIER_MAX_FILE_MB * 1024 * 1024
    kind, sha256 = check_upload(uploaded_file, name=name, max_bytes=max_file)
    used = active_attachments(application).aggregate(total=Sum("size"))["total"] or 0
    max_total = settings.DOSSIER_MAX_TOTAL_MB * 1024 * 1024
    if used + uploaded_file.size > max_total:
        raise ValidationError(
            _("The dossier's files would exceed %(limit)s MB in all (%(used)s MB used).")
            % {"limit": settings.DOSSIER_MAX_TOTAL_MB, "used": f"{used / 1048576:.1f}"},
            code="dossier_too_large",
        )
    attachment = Attachment(application=application, category=category, original_name=name,
                            kind=kind, size=uploaded_file.size, sha256=sha256, uploaded_by=user)
    uploaded_file.seek(0)
    attachment.file.save(name, uploaded_file, save=False)
    attachment.save()
    _mark_evidence_section(application)
    record_event(verb="application.attachment_added", actor=user, target=application,
                 organization=application.park,
                 data={"attachment": attachment.pk, "name": name, "sha256": sha256}, request=request)
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, user, request=None) -> None:
    """Hide a file from the draft. The file stays: submitted versions may refer to it."""
    application = attachment.application
    _require(user, "applications.edit_application", application)
    Attachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(removed_at=timezone.now())
    _mark_evidence_section(application)
    record_event(verb="application.attachment_removed", actor=user, target=application,
                 organization=application.park, data={"attachment": attachment.pk},
                 request=request)


def _mark_evidence_section(application: Application) -> None:
    DossierSection.objects.filter(application=application, key=EVIDENCE_KEY).update(
        complete=active_attachments(application).exists(), updated_at=timezone.now())


class SubmissionRefused(ValidationError):
    pass


def _attachment_snapshot(attachment: Attachment) -> dict:
    return file_snapshot(attachment, category=attachment.category)


@transaction.atomic
def submit_application(*, application: Application, user, justification: str = "",
                       request=None) -> ApplicationVersion:
    """Freeze the dossier as the next immutable version and move the application to submitted."""
    application = Application.objects.select_for_update(of=("self",)).select_related(
        "call", "park__region__parent").get(pk=application.pk)
    _require(user, "applications.submit_application", application)
    call = application.call
    deadline = application.submission_deadline
    if timezone.now() > deadline:
        deadline = timezone.localtime(deadline)
        raise SubmissionRefused(
            _("The deadline for submission (%(deadline)s) has passed.")
            % {"deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日 {deadline:%H:%M}"},
            code="deadline")
    spec = spec_for(application)
    sections = sections_of(application)
    incomplete = [str(s.title) for s in spec.sections(application) if not sections[s.key].complete]
    if incomplete:
        raise SubmissionRefused(
            _("Complete every section before submitting: %(sections)s.")
            % {"sections": "、".join(incomplete)}, code="incomplete")
    data = {key: section.data for key, section in sections.items() if key != EVIDENCE_KEY}
    if is_bases(call):
        criteria = eligibility.evaluate(call=call, region=application.park.region,
                                        data=merged_data(sections))
        refusal = eligibility.operating_years_message(call=call, data=merged_data(sections))
        if refusal:
            raise SubmissionRefused(refusal, code="requirement")
        refused_type = park_type_refusal(call, application.park)
        if refused_type:
            raise SubmissionRefused(refused_type, code="park_type")
    else:  # the programme's own rules (e.g. the fund's thresholds and caps per item)
        criteria = spec.check_submission(application, sections)
    missed = eligibility.misses(criteria)
    justification = (justification or "").strip()
    if missed and len(justification) < 20:
        raise SubmissionRefused(
            _("Some criteria are not met. Explain in at least 20 characters why the park should "
              "be considered (special potential)."), code="justification")
    number = application.latest_version_number + 1
    version = ApplicationVersion.objects.create(
        application=application, number=number, data=data,
        attachments=[_attachment_snapshot(a) for a in active_attachments(application)],
        eligibility=[c.as_dict() for c in criteria], misses=len(missed),
        justification=justification if missed else "",
        submitted_by=user, submitted_at=timezone.now(),
    )
    application.latest_version_number = number
    application.submitted_at = version.submitted_at
    application.justification = version.justification
    bases = is_bases(call)  # another programme tells in its own words (its spec's after_submission)
    perform(application, "submit", user=user, organization=application.park, request=request,
            data={"version": number, "misses": len(missed)}, notify=bases,
            context={"call": call.title, "park": application.park.name, "version": number,
                     "deadline": cn_day(call.recommend_deadline)},
            link={"park": reverse("applications:detail", args=[application.pk]),
                  "recommending_unit": reverse("review:review", args=[application.pk])})
    if not bases:
        spec.after_submission(application, version, user)
    return version


# --- exports -------------------------------------------------------------------------------------

def request_export(*, version: ApplicationVersion, fmt: str, user, request=None) -> DossierExport:
    """Queue the rendering of a version's Word or PDF once; later calls return the same export (a
    failed or stalled one is queued again)."""
    _require(user, "applications.view_versions", version.application)
    from applications.tasks import render_dossier_export

    return request_rendering(DossierExport, task=render_dossier_export, version=version, format=fmt)


def render_export(*, export_id: int) -> DossierExport:
    """Run by the Celery task: render and store the file, recording failure with a message."""
    from applications import exports

    def render(export, *, path, progress):
        write = exports.render_docx if export.format == DossierExport.Format.DOCX else exports.render_pdf
        return write(export.version)

    return run_rendering(
        DossierExport, export_id, render=render,
        filename=lambda e: f"dossier-{e.version.application_id}-v{e.version.number}.{e.format}",
        select_related=("version__application__call", "version__application__park"))


# --- call documents ------------------------------------------------------------------------------

@transaction.atomic
def add_call_document(*, call: Call, user, uploaded_file, kind: str, title: str = "", request=None):
    """A document parks download from the call's page (the notice, the 编制指南), checked by content."""
    from applications.models import CallDocument

    _require(user, "applications.manage_call", call)
    if kind not in CallDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    name = safe_display_name(uploaded_file.name or "")
    file_kind, sha256 = check_upload(uploaded_file, name=name, max_bytes=settings.DOSSIER_MAX_FILE_MB * 1024 * 1024)
    title = (title or "").strip()[:200] or name.rsplit(".", 1)[0]
    document = CallDocument(call=call, kind=kind, title=title, original_name=name, file_kind=file_kind,
                            size=uploaded_file.size, sha256=sha256, uploaded_by=user)
    uploaded_file.seek(0)
    document.file.save(name, uploaded_file, save=False)
    document.save()
    record_event(verb="call.document_added", actor=user, target=call, organization=call.organiser,
                 data={"document": document.pk, "name": name, "sha256": sha256}, request=request)
    transaction.on_commit(bump_public_cache)
    return document


@transaction.atomic
def remove_call_document(*, document, user, request=None) -> None:
    _require(user, "applications.manage_call", document.call)
    call = document.call
    record_event(verb="call.document_removed", actor=user, target=call, organization=call.organiser,
                 data={"document": document.pk, "name": document.original_name}, request=request)
    document.delete()
    transaction.on_commit(bump_public_cache)
