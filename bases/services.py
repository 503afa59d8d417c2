"""Every change to a base's life and its annual reports. Keyword-only arguments; each service checks the
permission and the rules itself (whoever calls it: a view, the 复审 round, a command), runs inside
``transaction.atomic``, writes the audit event and tells the next person once the transaction commits. A change of
status or of a report's state is a transition of the workflow definition (workflows/bases.py: designated_base,
annual_report), performed with ``portal.workflow.perform``: the definition names its audit verb and whom it tells.

Status (基地状态, seed 001 四(五), seed 000 附件1 五)::

    change_base_status(*, base, status, user, document_number, document_date, document_file=None,
                       deadline=None, reason="", source="", request=None) -> BaseStatusChange

Annual progress reports (年度建设进展报告, seed 000 附件1 四(八))::

    open_reporting_period(*, organiser, year, deadline, user, request=None) -> ReportingPeriod
    autosave_report(*, report, user, raw) -> AnnualReport
    save_report(*, report, user, values, narrative, base_revision, request=None) -> AnnualReport
    add_report_evidence(*, report, user, uploaded_file, request=None) -> ReportEvidence
    remove_report_evidence(*, evidence, user, request=None) -> None
    submit_report(*, report, user, request=None) -> AnnualReportVersion
    accept_report(*, report, user, comment="", request=None) -> AnnualReport
    return_report(*, report, user, reason, request=None) -> AnnualReport
    remind_annual_reports(*, today=None) -> int          (Celery beat, daily)

Refusals: ``PermissionDenied`` for who may not; ``ValidationError`` (with a dict of field → Chinese message where
a field is at fault) for bad input; in both cases nothing is changed.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.filetypes import check_upload, safe_display_name
from bases.indicators import COUNT_FIELDS, COUNTER_CHECKS, INDICATOR_FIELDS, INDICATORS, MONEY_FIELDS
from bases.models import AnnualReport, AnnualReportVersion, BaseStatusChange, ReportEvidence, ReportingPeriod
from bases.selectors import park_admins
from portal.accounts.models import Organization, Role
from portal.audit.services import record_event
from portal.home.caching import bump_public_cache
from portal.notifications.events import cn_day
from portal.notifications.services import notify_event
from portal.versioning import file_snapshot
from portal.workflow import Transition, flow_of, perform
from publicity.models import DesignatedBase

Status = DesignatedBase.Status
STATUS_DOCUMENT_MAX_MB = 20
REPORT_EVIDENCE_MAX_FILES = 20
NARRATIVE_MIN_CHARS = 20
RETURN_REASON_MIN_CHARS = 5
REMIND_DAYS_BEFORE = (7, 3, 1)


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _officer_organizations(user) -> set[int]:
    from portal.accounts.selectors import organization_ids_for_role

    return organization_ids_for_role(user, Role.PROVINCIAL_OFFICER)


# --- status ---------------------------------------------------------------------------------------

def status_changes(base: DesignatedBase) -> dict[str, Transition]:
    """The statuses ``base`` may go to now, each with the transition of its definition (workflows/bases.py,
    designated_base) that takes it there. 撤销 is final: a revoked base regains a title only by a new designation;
    限期整改 → 限期整改 extends (or shortens) the deadline by a new document."""
    return {move.target: move for move in flow_of(base).transitions_from(base.status)}


def _check_pdf(upload, *, field: str) -> tuple[str, str]:
    name = safe_display_name(upload.name or "")
    try:
        kind, sha256 = check_upload(upload, name=name, max_bytes=STATUS_DOCUMENT_MAX_MB * 1024 * 1024)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    if kind != "pdf":
        raise ValidationError({field: _("The document must be a PDF file.")})
    return name, sha256


def check_status_change(*, base: DesignatedBase, status: str, document_number: str, document_date,
                        deadline=None, reason: str = "", today: date | None = None) -> dict:
    """The errors (field → message) of a proposed status change; empty when it may be made. Forms show them
    next to the fields; ``change_base_status`` refuses the change when there are any."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if status not in Status.values:
        errors["status"] = _("Choose a status.")
    elif status not in status_changes(base):
        errors["status"] = (_("A revoked base cannot change status: it regains a title only by a new designation.")
                            if base.status == Status.REVOKED else
                            _("The base cannot go from “%(old)s” to “%(new)s”.")
                            % {"old": base.get_status_display(), "new": Status(status).label})
    if not (document_number or "").strip():
        errors["document_number"] = _("Give the number of the document that decides the change.")
    elif len(document_number.strip()) > 60:
        errors["document_number"] = _("The document number has at most 60 characters.")
    if not isinstance(document_date, date):
        errors["document_date"] = _("Give the date of the document.")
    elif document_date > today:
        errors["document_date"] = _("The document date cannot be in the future.")
    if status == Status.RECTIFICATION:
        if not isinstance(deadline, date):
            errors["deadline"] = _("Give the deadline for the rectification.")
        elif isinstance(document_date, date) and deadline <= document_date:
            errors["deadline"] = _("The rectification deadline must be after the document date.")
        elif deadline < today:
            errors["deadline"] = _("The rectification deadline cannot be in the past.")
    elif deadline is not None:
        errors["deadline"] = _("Only a rectification has a deadline.")
    if status in (Status.RECTIFICATION, Status.REVOKED) and not (reason or "").strip():
        errors["reason"] = _("Give the reasons, as the document states them.")
    return errors


@transaction.atomic
def change_base_status(*, base: DesignatedBase, status: str, user, document_number: str, document_date,
                       document_file=None, deadline=None, reason: str = "", source: str = "",
                       request=None) -> BaseStatusChange:
    """Decide a base's status (在册 / 限期整改 / 撤销) by the document ``document_number`` of ``document_date``
    (its PDF, when given, checked by content and kept in private storage).

    Only a provincial officer of the base's organiser may (``bases.change_status``). ``deadline`` is required
    for 限期整改 and refused otherwise; ``reason`` is required for 限期整改 and 撤销. ``source`` names the round that
    decided it (e.g. ``"rereview:12"``). The change is kept in the base's history, never deleted; the public
    directory shows it at once (the public cache version is bumped); the park's administrators are told."""
    base = DesignatedBase.objects.select_for_update(of=("self",)).select_related("park", "organiser").get(pk=base.pk)
    _require(user, "bases.change_status", base)
    document_number = (document_number or "").strip()
    reason = (reason or "").strip()
    errors = check_status_change(base=base, status=status, document_number=document_number,
                                 document_date=document_date, deadline=deadline, reason=reason)
    checked = None
    if document_file is not None and "document_file" not in errors:
        try:
            checked = _check_pdf(document_file, field="document_file")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    change = BaseStatusChange(
        base=base, from_status=base.status, to_status=status, deadline=deadline, reason=reason,
        document_number=document_number, document_date=document_date, source=(source or "")[:60],
        decided_by=user, decided_at=timezone.now())
    if checked:
        change.document_name, change.document_sha256 = checked
        change.document_file.save(checked[1], document_file, save=False)
    change.save()
    base.status_deadline, base.status_changed_at = deadline, change.decided_at
    perform(base, status_changes(base)[status].name, user=user, organization=base.organiser, request=request,
            data={"from": change.from_status, "to": status, "document_number": document_number,
                  "document_date": document_date.isoformat(),
                  "deadline": deadline.isoformat() if deadline else None, "source": change.source,
                  "sha256": change.document_sha256},
            link=reverse("bases:base", args=[base.pk]),
            context={"park": base.name, "decision": Status(status).label, "document": document_number,
                     "deadline": cn_day(deadline) if deadline else "", "reason": reason})
    transaction.on_commit(bump_public_cache)
    return change


# --- reporting periods ------------------------------------------------------------------------------

def bases_due_to_report(*, organiser: Organization, year: int):
    """The bases of ``organiser`` that report on ``year``: designated by then, not revoked, with a park."""
    return DesignatedBase.objects.filter(organiser=organiser, year__lte=year, park__isnull=False) \
        .exclude(status=Status.REVOKED)


@transaction.atomic
def open_reporting_period(*, organiser: Organization, year: int, deadline, user, request=None) -> ReportingPeriod:
    """年度报送: ask the bases of ``organiser`` for their progress report on ``year`` by ``deadline``.

    The user must be a provincial officer of ``organiser``. ``year`` is a past or the current year, at most once
    per organiser; ``deadline`` is today or later. Creates one draft report per base that reports
    (``bases_due_to_report``) and tells their park administrators."""
    _require(user, "bases.open_reporting_period")
    if organiser is None or organiser.pk not in _officer_organizations(user):
        raise PermissionDenied
    today = timezone.localdate()
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        errors["year"] = _("Give a year from 2000 to %(year)s.") % {"year": today.year}
    elif ReportingPeriod.objects.filter(organiser=organiser, year=year).exists():
        errors["year"] = _("The reports on %(year)s have already been asked for.") % {"year": year}
    if not isinstance(deadline, date):
        errors["deadline"] = _("Give the deadline.")
    elif deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            period = ReportingPeriod.objects.create(organiser=organiser, year=year, deadline=deadline,
                                                    opened_by=user, opened_at=timezone.now())
    except IntegrityError as exc:  # two officers at once
        raise ValidationError({"year": _("The reports on %(year)s have already been asked for.")
                               % {"year": year}}) from exc
    bases = list(bases_due_to_report(organiser=organiser, year=year))
    reports = AnnualReport.objects.bulk_create([AnnualReport(period=period, base=b) for b in bases])
    record_event(verb="reporting.period_opened", actor=user, target=period, organization=organiser,
                 data={"year": year, "deadline": deadline.isoformat(), "reports": len(reports)}, request=request)
    for report, base in zip(reports, bases, strict=True):
        notify_event(event="report.requested", recipients=park_admins(base.park_id),
                     link=reverse("bases:report", args=[report.pk]),
                     context={"park": base.name, "year": year, "deadline": cn_day(deadline)})
    return period


# --- the park's report ---------------------------------------------------------------------------------

def _locked_report(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update(of=("self",)).select_related(
        "period", "base__park", "base__organiser").get(pk=report.pk)


def autosave_report(*, report: AnnualReport, user, raw: dict) -> AnnualReport:
    """Keep what the user is typing (unvalidated, per user), so that nothing is lost; no audit event."""
    _require(user, "bases.edit_report", report)
    with transaction.atomic():
        report = _locked_report(report)
        _require(user, "bases.edit_report", report)
        drafts = dict(report.draft or {})
        keep = {k: str(v)[:20000] for k, v in (raw or {}).items() if k in (*INDICATOR_FIELDS, "narrative")}
        drafts[str(user.pk)] = {"raw": keep, "saved_at": timezone.now().isoformat(),
                                "base_revision": report.revision}
        report.draft = drafts
        report.draft_saved_at = timezone.now()
        report.save(update_fields=["draft", "draft_saved_at"])
    return report


class ReportConflict(ValidationError):
    """Someone else saved the report after the user opened it."""


def clean_values(values: dict) -> tuple[dict, dict]:
    """(values, errors): money as Decimal with at most two places, ≥ 0; counts as integers ≥ 0; blanks as None;
    then the consistency of the figures (a part is not larger than its whole)."""
    cleaned, errors = {}, {}
    for field in MONEY_FIELDS:
        value = values.get(field)
        if value in (None, ""):
            cleaned[field] = None
            continue
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except InvalidOperation:
            errors[field] = _("Enter an amount in 100 million yuan, e.g. 12.50.")
            continue
        if not number.is_finite() or number < 0:
            errors[field] = _("The amount cannot be negative.")
        elif number.as_tuple().exponent < -2:
            errors[field] = _("Give the amount with at most two decimals (100 million yuan).")
        elif number >= Decimal("1e10"):
            errors[field] = _("The amount is too large.")
        else:
            cleaned[field] = number.quantize(Decimal("0.01"))
    for field in COUNT_FIELDS:
        value = values.get(field)
        if value in (None, ""):
            cleaned[field] = None
            continue
        try:
            number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
        except ValueError:
            errors[field] = _("Enter a whole number.")
            continue
        if number < 0:
            errors[field] = _("The number cannot be negative.")
        elif number > 2_000_000_000:
            errors[field] = _("The number is too large.")
        else:
            cleaned[field] = number
    for part, whole, message in COUNTER_CHECKS:
        if part in errors or whole in errors:
            continue
        if cleaned.get(part) is not None and cleaned.get(whole) is not None and cleaned[part] > cleaned[whole]:
            errors[part] = str(message)
    return cleaned, errors


@transaction.atomic
def save_report(*, report: AnnualReport, user, values: dict, narrative: str, base_revision: int,
                request=None) -> AnnualReport:
    """Save the indicators (``values``: field → number or text; blanks allowed while a draft) and the narrative.

    Only the base's park administrators, while the report is a draft or returned. ``base_revision`` is the
    ``revision`` the user opened: when a colleague saved since, ``ReportConflict`` is raised and nothing saved."""
    report = _locked_report(report)
    _require(user, "bases.edit_report", report)
    if base_revision != report.revision:
        who = report.updated_by.get_full_name() or report.updated_by.username if report.updated_by else ""
        raise ReportConflict(_("%(who)s saved this report after you opened it. Your text is kept below and has "
                               "not been saved: compare, then save again.") % {"who": who}, code="conflict")
    cleaned, errors = clean_values(values or {})
    narrative = (narrative or "").strip()
    if len(narrative) > 20000:
        errors["narrative"] = _("The narrative has at most 20,000 characters.")
    if errors:
        raise ValidationError(errors)
    for field, value in cleaned.items():
        setattr(report, field, value)
    report.narrative = narrative
    drafts = dict(report.draft or {})
    drafts.pop(str(user.pk), None)
    report.draft = drafts
    report.revision += 1
    report.updated_by = user
    report.updated_at = timezone.now()
    report.save()
    record_event(verb="report.saved", actor=user, target=report, organization=report.base.park,
                 data={"revision": report.revision}, request=request)
    return report


@transaction.atomic
def add_report_evidence(*, report: AnnualReport, user, uploaded_file, request=None) -> ReportEvidence:
    """Attach an evidence file (checked by content: PDF, Word, Excel, images, ZIP as for dossiers)."""
    report = _locked_report(report)
    _require(user, "bases.edit_report", report)
    if report.evidence.filter(removed_at__isnull=True).count() >= REPORT_EVIDENCE_MAX_FILES:
        raise ValidationError({"file": _("A report has at most %(n)s evidence files.")
                               % {"n": REPORT_EVIDENCE_MAX_FILES}})
    name = safe_display_name(uploaded_file.name or "")
    try:
        kind, sha256 = check_upload(uploaded_file, name=name, max_bytes=settings.DOSSIER_MAX_FILE_MB * 1024 * 1024)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    evidence = ReportEvidence(report=report, original_name=name, kind=kind, size=uploaded_file.size,
                              sha256=sha256, uploaded_by=user)
    evidence.file.save(sha256, uploaded_file, save=False)
    evidence.save()
    record_event(verb="report.evidence_added", actor=user, target=report, organization=report.base.park,
                 data={"evidence": evidence.pk, "name": name, "sha256": sha256}, request=request)
    return evidence


@transaction.atomic
def remove_report_evidence(*, evidence: ReportEvidence, user, request=None) -> None:
    """Hide a file from the draft; it stays for the submitted versions that list it."""
    report = _locked_report(evidence.report)
    _require(user, "bases.edit_report", report)
    ReportEvidence.objects.filter(pk=evidence.pk, report=report, removed_at__isnull=True).update(
        removed_at=timezone.now())
    record_event(verb="report.evidence_removed", actor=user, target=report, organization=report.base.park,
                 data={"evidence": evidence.pk}, request=request)


def report_data(report: AnnualReport) -> dict:
    """The report's content as a version keeps it: every indicator as text (None when blank), the narrative."""
    data = {f: (None if getattr(report, f) is None else str(getattr(report, f))) for f in INDICATOR_FIELDS}
    data["narrative"] = report.narrative
    return data


@transaction.atomic
def submit_report(*, report: AnnualReport, user, request=None) -> AnnualReportVersion:
    """Freeze the report as the next immutable version and send it to the organiser. Every indicator must be
    given and the narrative at least ``NARRATIVE_MIN_CHARS`` characters; a late report is accepted (and shown
    as late)."""
    report = _locked_report(report)
    _require(user, "bases.edit_report", report)
    errors = {i.field: _("Required to submit.") for i in INDICATORS if getattr(report, i.field) is None}
    if len(report.narrative.strip()) < NARRATIVE_MIN_CHARS:
        errors["narrative"] = _("Describe the progress in at least %(n)s characters.") % {"n": NARRATIVE_MIN_CHARS}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    number = report.latest_version_number + 1
    version = AnnualReportVersion.objects.create(
        report=report, number=number, data=report_data(report),
        attachments=[file_snapshot(e) for e in report.evidence.filter(removed_at__isnull=True)],
        submitted_by=user, submitted_at=now)
    report.latest_version_number = number
    report.submitted_at = now
    period = report.period
    perform(report, "submit", user=user, organization=report.base.park, request=request,
            data={"version": number, "late": timezone.localdate(now) > period.deadline},
            link=reverse("bases:report", args=[report.pk]),
            context={"park": report.base.name, "year": period.year, "version": number})
    return version


@transaction.atomic
def accept_report(*, report: AnnualReport, user, comment: str = "", request=None) -> AnnualReport:
    """The organiser accepts a submitted report (the version last submitted)."""
    report = _locked_report(report)
    _require(user, "bases.decide_report", report)
    report.decided_by, report.decided_at = user, timezone.now()
    report.return_reason = ""
    perform(report, "accept", user=user, organization=report.base.organiser, request=request,
            data={"version": report.latest_version_number, "comment": (comment or "").strip()[:2000]},
            link=reverse("bases:report", args=[report.pk]),
            context={"park": report.base.name, "year": report.period.year})
    return report


@transaction.atomic
def return_report(*, report: AnnualReport, user, reason: str, request=None) -> AnnualReport:
    """The organiser returns a submitted report for revision with ``reason``; the park may edit it again."""
    report = _locked_report(report)
    _require(user, "bases.decide_report", report)
    reason = (reason or "").strip()
    if len(reason) < RETURN_REASON_MIN_CHARS:
        raise ValidationError({"reason": _("Give the reasons for the return (at least %(n)s characters).")
                               % {"n": RETURN_REASON_MIN_CHARS}})
    report.return_reason = reason[:5000]
    report.decided_by, report.decided_at = user, timezone.now()
    perform(report, "return_for_revision", user=user, organization=report.base.organiser, request=request,
            data={"version": report.latest_version_number, "reason": report.return_reason},
            link=reverse("bases:report", args=[report.pk]),
            context={"park": report.base.name, "year": report.period.year, "reason": report.return_reason})
    return report


def remind_annual_reports(*, today: date | None = None) -> int:
    """Beat task: tell the park administrators of each report not yet submitted (draft or returned) 7, 3 and 1
    days before its period's deadline. Returns the number of people told."""
    today = today or timezone.localdate()
    sent = 0
    deadlines = [today + timedelta(days=d) for d in REMIND_DAYS_BEFORE]
    pending = AnnualReport.objects.filter(period__deadline__in=deadlines, status__in=AnnualReport.EDITABLE) \
        .select_related("period", "base")
    for report in pending:
        recipients = park_admins(report.base.park_id)
        notify_event(event="report.reminder", recipients=recipients,
                     link=reverse("bases:report", args=[report.pk]),
                     context={"park": report.base.name, "year": report.period.year,
                              "days": (report.period.deadline - today).days,
                              "deadline": cn_day(report.period.deadline)})
        sent += len(recipients)
    return sent
