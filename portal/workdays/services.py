"""The year record (CalendarYear): entered from the State Council notice and declared complete.

Every change is checked, atomic and audited; the rules are enforced here whoever calls."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_event
from portal.workdays.models import CalendarYear

FIRST_YEAR, LAST_YEAR = 2004, 2100


def _require(user) -> None:
    if not user.has_perm("workdays.manage_calendar"):
        raise PermissionDenied


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("Choose a year between %(first)s and %(last)s.")
                              % {"first": FIRST_YEAR, "last": LAST_YEAR})


def _clean_holidays(year: int, holidays: list[dict]) -> list[dict]:
    cleaned = []
    for n, item in enumerate(holidays, start=1):
        name = (item.get("name") or "").strip()
        first, last = item.get("first"), item.get("last") or item.get("first")
        if not name or not isinstance(first, date) or not isinstance(last, date):
            raise ValidationError({"holidays": _("Line %(n)s: give the holiday's name and its dates.") % {"n": n}})
        if last < first:
            raise ValidationError({"holidays": _("Line %(n)s: the last day is before the first day.") % {"n": n}})
        if first.year != year or last.year != year:
            raise ValidationError({"holidays": _("Line %(n)s: every day must be in %(year)s.")
                                   % {"n": n, "year": year}})
        if (last - first).days > 30:
            raise ValidationError({"holidays": _("Line %(n)s: a holiday of more than 31 days is not plausible.")
                                   % {"n": n}})
        cleaned.append({"name": name[:40], "first": first.isoformat(), "last": last.isoformat()})
    cleaned.sort(key=lambda item: item["first"])
    for previous, current in zip(cleaned, cleaned[1:], strict=False):
        if current["first"] <= previous["last"]:
            raise ValidationError({"holidays": _("%(a)s and %(b)s overlap.")
                                   % {"a": previous["name"], "b": current["name"]}})
    return cleaned


def _clean_makeup_days(year: int, makeup_days: list[dict], days_off: set[date]) -> list[dict]:
    cleaned, seen = [], set()
    for n, item in enumerate(makeup_days, start=1):
        day = item.get("date")
        if not isinstance(day, date):
            raise ValidationError({"makeup_days": _("Line %(n)s: give the date.") % {"n": n}})
        if day.year != year:
            raise ValidationError({"makeup_days": _("Line %(n)s: the day must be in %(year)s.")
                                   % {"n": n, "year": year}})
        if day.weekday() < 5:
            raise ValidationError({"makeup_days": _(
                "Line %(n)s: %(date)s is a weekday; a make-up working day (调休上班) is a Saturday or Sunday.")
                % {"n": n, "date": day.isoformat()}})
        if day in days_off:
            raise ValidationError({"makeup_days": _("Line %(n)s: %(date)s is inside a holiday range.")
                                   % {"n": n, "date": day.isoformat()}})
        if day in seen:
            raise ValidationError({"makeup_days": _("Line %(n)s: %(date)s is listed twice.")
                                   % {"n": n, "date": day.isoformat()}})
        seen.add(day)
        cleaned.append({"date": day.isoformat(), "note": (item.get("note") or "").strip()[:40]})
    return sorted(cleaned, key=lambda item: item["date"])


@transaction.atomic
def save_calendar_year(*, year: int, user, notice_number: str, notice_date: date | None,
                       holidays: list[dict], makeup_days: list[dict], request=None) -> CalendarYear:
    """Enter or correct a year's schedule. A declared year must be reopened first."""
    _require(user)
    _check_year(year)
    record, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    if record.declared_complete:
        raise ValidationError(_("%(year)s is declared complete; reopen it before changing it.") % {"year": year},
                              code="declared")
    if notice_date is not None and notice_date.year not in (year - 1, year):
        raise ValidationError({"notice_date": _("The notice for %(year)s is dated in %(year)s or the year before.")
                               % {"year": year}})
    record.holidays = _clean_holidays(year, holidays)
    probe = CalendarYear(holidays=record.holidays)
    record.makeup_days = _clean_makeup_days(year, makeup_days, probe.days_off())
    record.notice_number = (notice_number or "").strip()
    record.notice_date = notice_date
    record.updated_by = user
    record.save()
    record_event(verb="calendar.saved", actor=user, target=record, request=request, data={
        "year": year, "notice_number": record.notice_number, "holidays": len(record.holidays),
        "makeup_days": len(record.makeup_days)})
    return record


@transaction.atomic
def declare_year_complete(*, year: int, user, request=None) -> CalendarYear:
    """From now on the dates of ``year`` are known: its holidays, make-up days and the week."""
    _require(user)
    record = CalendarYear.objects.select_for_update().filter(year=year).first()
    if record is None:
        raise ValidationError(_("Enter the schedule of %(year)s first.") % {"year": year}, code="empty")
    if record.declared_complete:
        raise ValidationError(_("%(year)s is already declared complete.") % {"year": year}, code="declared")
    missing = []
    if not record.notice_number:
        missing.append(_("the notice number"))
    if record.notice_date is None:
        missing.append(_("the date of the notice"))
    if not record.holidays:
        missing.append(_("the holiday ranges"))
    if missing:
        raise ValidationError(_("A year is declared complete with the State Council notice's number, date and "
                                "holidays. Missing: %(missing)s.") % {"missing": "、".join(missing)},
                              code="incomplete")
    record.declared_complete = True
    record.declared_by = user
    record.declared_at = timezone.now()
    record.save()
    record_event(verb="calendar.declared", actor=user, target=record, request=request, data={
        "year": year, "notice_number": record.notice_number, "notice_date": record.notice_date.isoformat()})
    return record


@transaction.atomic
def reopen_year(*, year: int, user, reason: str, request=None) -> CalendarYear:
    """Take back a declaration to correct the schedule; the year is unknown again until declared."""
    _require(user)
    record = CalendarYear.objects.select_for_update().filter(year=year, declared_complete=True).first()
    if record is None:
        raise ValidationError(_("%(year)s is not declared complete.") % {"year": year}, code="not_declared")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the year.")})
    record.declared_complete = False
    record.declared_by = None
    record.declared_at = None
    record.save()
    record_event(verb="calendar.reopened", actor=user, target=record, request=request,
                 data={"year": year, "reason": reason})
    return record
