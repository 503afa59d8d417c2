"""复审批次 (a re-review round, which owns a call of its own), one item per base, and the revocation document."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import private_storage


class ReReviewRound(models.Model):
    """复审批次: the re-review of the bases designated two years or more before ``reference_date``. The round owns
    a closed ``Call`` on which the expert review runs unchanged (see the app's docstring)."""

    call = models.OneToOneField("applications.Call", verbose_name=_("call"), on_delete=models.PROTECT,
                                related_name="rereview_round")
    reference_date = models.DateField(
        _("reference date"), help_text=_("Bases designated two years or more before this day are re-reviewed."))
    period_from = models.PositiveSmallIntegerField(_("reports from year"))
    period_to = models.PositiveSmallIntegerField(_("reports to year"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("re-review round")
        verbose_name_plural = _("re-review rounds")
        ordering = ["-reference_date", "-id"]

    def __str__(self) -> str:
        return self.call.title

    @property
    def period_text(self) -> str:
        if self.period_from == self.period_to:
            return f"{self.period_from}年"
        return f"{self.period_from}—{self.period_to}年"


class ReReviewItem(models.Model):
    """One base under re-review: its application of the round's call (the park applies; the dossier is the
    base's annual reports of the period) and the organiser's outcome."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed (合格)")
        RECTIFY = "rectify", _("Rectify by a deadline (限期整改)")
        FAILED = "failed", _("Failed (不合格)")

    round = models.ForeignKey(ReReviewRound, on_delete=models.CASCADE, related_name="items")
    base = models.ForeignKey("publicity.DesignatedBase", verbose_name=_("base"), on_delete=models.PROTECT,
                             related_name="rereview_items")
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="rereview_item")
    reports = models.JSONField(_("annual reports reviewed"), default=list,
                               help_text=_("The ids of the annual reports frozen into the dossier."))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    missing_sheets_reason = models.TextField(_("decision on missing score sheets"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reconsidered_at = models.DateTimeField(
        _("reconsidered at"), null=True, blank=True,
        help_text=_("When the outcome was decided again after an objection to the failure was upheld."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("base under re-review")
        verbose_name_plural = _("bases under re-review")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "base"], name="rereview_item_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round}: {self.base}"


class Revocation(models.Model):
    """撤销通知: the document revoking the title of the bases that failed the re-review, after the 公示."""

    round = models.OneToOneField(ReReviewRound, on_delete=models.PROTECT, related_name="revocation")
    notice = models.ForeignKey("publicity.Notice", on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("document date"))
    title = models.CharField(_("title"), max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    document_pdf = models.FileField(storage=private_storage, upload_to="private/revocations/", blank=True)
    document_docx = models.FileField(storage=private_storage, upload_to="private/revocations/", blank=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return self.title
