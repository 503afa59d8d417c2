"""统计监测: the stored annual-report workbook of an organiser's bases (rendered by a Celery task)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import private_storage
from portal.background import RenderedFile


class AnnualReportExport(RenderedFile):
    """年度报告汇总表: every accepted annual progress report of an organiser's bases as one .xlsx workbook,
    rendered by a Celery task (``portal.background``), offered for download and rendered again on request
    when reports have been accepted since."""

    organiser = models.OneToOneField("accounts.Organization", verbose_name=_("organiser"), on_delete=models.CASCADE,
                                     related_name="annual_report_export")
    file = models.FileField(storage=private_storage, upload_to="private/monitoring/", max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("annual report workbook")
        verbose_name_plural = _("annual report workbooks")

    def __str__(self) -> str:
        return f"{self.organiser} · xlsx"
