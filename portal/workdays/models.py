from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """A day whose status the organiser sets: a holiday (off) or a make-up working day (调休, on).
    Takes precedence over the chinesecalendar library."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True,
                            help_text=_("e.g. 春节 or 国庆节调休上班"))

    class Meta:
        verbose_name = _("workday override")
        verbose_name_plural = _("workday overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"


class CalendarYear(models.Model):
    """The working-day schedule of one year as the State Council published it (国务院办公厅关于X年部分节假日
    安排的通知): its number and date, the holiday ranges and the make-up working days (调休上班).

    A year the chinesecalendar library does not know counts as known only once its record is declared
    complete (DOMAIN.md §5): single overrides entered for that year never make it known.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice_number = models.CharField(_("State Council notice number"), max_length=60, blank=True,
                                     help_text=_("e.g. 国办发明电〔2026〕7号"))
    notice_date = models.DateField(_("date of the notice"), null=True, blank=True)
    holidays = models.JSONField(_("holiday ranges"), default=list, blank=True)
    makeup_days = models.JSONField(_("make-up working days"), default=list, blank=True)
    declared_complete = models.BooleanField(_("declared complete"), default=False)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"

    def days_off(self) -> set[date]:
        days = set()
        for item in self.holidays:
            first, last = date.fromisoformat(item["first"]), date.fromisoformat(item["last"])
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
        return days

    def days_on(self) -> set[date]:
        return {date.fromisoformat(item["date"]) for item in self.makeup_days}
