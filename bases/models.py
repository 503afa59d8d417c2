"""The life of a designated base: its status decisions (基地状态变更) and its annual progress reports
(年度建设进展报告), with the reporting periods the organiser opens each year.

The current status lives on ``publicity.DesignatedBase`` (``status``, ``status_deadline``); this app keeps every
decision that set it, and the reports. All changes go through ``bases.services``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from applications.models import private_storage
from bases.indicators import MONEY_FIELDS, share
from portal.versioning import ImmutableModelMixin, StoredFileRecord
from portal.workflow import fsm, in_group, states_in_group
from publicity.models import DesignatedBase


def status_document_path(instance, filename: str) -> str:
    # The stored name never comes from the user.
    return f"private/bases/{instance.base_id}/status/{instance.document_sha256}"


class BaseStatusChange(ImmutableModelMixin, models.Model):
    """基地状态变更: one decision on a base's status (在册 → 限期整改 → 在册 / 撤销 …) with the document that
    decided it (文号, 成文日期, the PDF). Never edited or deleted: the history of a base is the list of these.

    ``source`` says where the decision came from when a round decided it (e.g. ``"rereview:12"`` for the biennial
    复审 of ``rereview``); empty for a decision taken on the base's own page."""

    base = models.ForeignKey(DesignatedBase, verbose_name=_("base"), on_delete=models.PROTECT,
                             related_name="status_changes")
    from_status = models.CharField(_("previous status"), max_length=16, choices=DesignatedBase.Status.choices)
    to_status = models.CharField(_("new status"), max_length=16, choices=DesignatedBase.Status.choices)
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("document date"))
    document_file = models.FileField(_("document (PDF)"), storage=private_storage, upload_to=status_document_path,
                                     max_length=300, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("origin"), max_length=60, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("base status change")
        verbose_name_plural = _("base status changes")
        ordering = ["base", "decided_at", "id"]
        indexes = [models.Index(fields=["base", "decided_at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(to_status="rectification") | models.Q(deadline__isnull=False),
                                   name="rectification_has_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.base}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class ReportingPeriod(models.Model):
    """年度报送: the organiser asks its bases for their progress report of ``year`` by ``deadline``. Opening it
    creates one draft report per base of the organiser that is not revoked."""

    organiser = models.ForeignKey("accounts.Organization", verbose_name=_("organiser"), on_delete=models.PROTECT,
                                  related_name="reporting_periods")
    year = models.PositiveSmallIntegerField(_("year reported on"))
    deadline = models.DateField(_("deadline"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-year", "organiser"]
        constraints = [
            models.UniqueConstraint(fields=["organiser", "year"], name="reporting_period_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organiser} · {self.year}"


@fsm.follows("annual_report", field="status", programme=lambda report: "bases")  # bases designate only
class AnnualReport(ConcurrentTransitionMixin, models.Model):
    """年度建设进展报告: a base's report for one reporting period. The park administrator fills it in (kept as a
    draft, autosaved), submits it (a frozen ``AnnualReportVersion``), the organiser accepts it or returns it with a
    reason (then it is editable again)."""

    Status = fsm.states_enum("annual_report", "Status")  # from the workflow definitions (workflows/)
    EDITABLE = tuple(states_in_group("annual_report", "editable"))

    period = models.ForeignKey(ReportingPeriod, verbose_name=_("reporting period"), on_delete=models.PROTECT,
                               related_name="reports")
    base = models.ForeignKey(DesignatedBase, verbose_name=_("base"), on_delete=models.PROTECT,
                             related_name="annual_reports")
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)

    total_output = models.DecimalField(_("total output"), max_digits=12, decimal_places=2, null=True, blank=True)
    ict_output = models.DecimalField(_("ICT services output"), max_digits=12, decimal_places=2, null=True,
                                     blank=True)
    ict_value_added = models.DecimalField(_("ICT services value added"), max_digits=12, decimal_places=2,
                                          null=True, blank=True)
    ict_services_exports = models.DecimalField(_("telecommunications, computer and information services exports"),
                                               max_digits=12, decimal_places=2, null=True, blank=True)
    digital_service_exports = models.DecimalField(_("digital service exports"), max_digits=12, decimal_places=2,
                                                  null=True, blank=True)
    foreign_trade_exports = models.DecimalField(_("foreign trade exports"), max_digits=12, decimal_places=2,
                                                null=True, blank=True)
    enterprise_count = models.PositiveIntegerField(_("enterprises"), null=True, blank=True)
    digital_service_enterprise_count = models.PositiveIntegerField(_("digital service enterprises"), null=True,
                                                                   blank=True)
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    ip_count = models.PositiveIntegerField(_("intellectual property rights"), null=True, blank=True)
    software_copyright_count = models.PositiveIntegerField(_("software copyrights"), null=True, blank=True)
    narrative = models.TextField(_("progress of the base's construction"), blank=True)

    draft = models.JSONField(default=dict, blank=True, help_text="Unvalidated text kept by autosave, per user.")
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)
    latest_version_number = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("annual progress report")
        verbose_name_plural = _("annual progress reports")
        ordering = ["period", "base"]
        constraints = [
            models.UniqueConstraint(fields=["period", "base"], name="annual_report_once_per_period"),
            *[models.CheckConstraint(condition=models.Q(**{f"{f}__gte": 0}) | models.Q(**{f"{f}__isnull": True}),
                                     name=f"annual_report_{f}_not_negative") for f in MONEY_FIELDS],
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.base} · {self.period.year}"

    @property
    def is_editable(self) -> bool:
        return in_group(self, "editable")

    @property
    def digital_export_share(self):
        """数字服务出口占外贸出口比重, in per cent (the 2025 goal is ≥ 30%)."""
        return share(self.digital_service_exports, self.foreign_trade_exports)

    @property
    def digital_enterprise_share(self):
        """数字服务企业占基地企业比重, in per cent."""
        return share(self.digital_service_enterprise_count, self.enterprise_count)

    def is_overdue(self, today=None) -> bool:
        """Not yet submitted (draft or returned) after the period's deadline."""
        today = today or timezone.localdate()
        return self.is_editable and self.period.deadline < today

    # submit(), accept(), return_for_revision(): from the workflow definition (portal.workflow.fsm.follows)


def report_evidence_path(instance, filename: str) -> str:
    return f"private/bases/reports/{instance.report_id}/{instance.sha256[:2]}/{instance.sha256}"


class ReportEvidence(StoredFileRecord):
    """证明材料 of a report. Removing one from the draft hides it; the file stays for the versions that list it."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to=report_evidence_path, max_length=300)

    class Meta:
        verbose_name = _("report evidence")
        verbose_name_plural = _("report evidence")
        ordering = ["uploaded_at", "id"]


class AnnualReportVersion(ImmutableModelMixin, models.Model):
    """A submitted report, frozen: the indicators and the narrative (``data``: field → value as text), the
    evidence files with their SHA-256 (``portal.versioning.file_snapshot``). The organiser's decision points at it."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("report"))
    attachments = models.JSONField(_("evidence"), default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("submitted report")
        verbose_name_plural = _("submitted reports")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · v{self.number}"
