"""Chinese official working days (工作日): weekends and statutory holidays off, make-up days (调休) on.

``chinesecalendar`` knows the years the State Council has published; the admin-editable
``WorkdayOverride`` table takes precedence and covers years the library does not know yet. A date
that neither covers raises ``UnknownYear``: never a silent Monday-to-Friday guess.
"""

from datetime import date, timedelta


class UnknownYear(Exception):
    def __init__(self, year: int):
        self.year = year
        from django.utils.translation import gettext

        super().__init__(gettext(
            "The working-day calendar of %(year)s is not known: the chinesecalendar library does not cover it "
            "and no overrides are entered for %(year)s. Enter that year's holidays and make-up working days "
            "under System administration → Workday overrides, or upgrade chinesecalendar once it publishes "
            "%(year)s.") % {"year": year})


def _overrides_for(years: set[int]) -> tuple[dict[date, bool], set[int]]:
    from portal.workdays.models import WorkdayOverride

    rows = WorkdayOverride.objects.filter(date__year__in=years).values_list("date", "is_workday")
    overrides = dict(rows)
    return overrides, {d.year for d in overrides}


class Calendar:
    """Answers is_workday for a span of dates with one query for the overrides."""

    def __init__(self, years: set[int]):
        self.overrides, self.override_years = _overrides_for(years)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        import chinese_calendar

        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self.override_years:
                # The year is covered by entered overrides: other days follow the week.
                return day.weekday() < 5
            raise UnknownYear(day.year) from None


def is_workday(day: date) -> bool:
    return Calendar({day.year}).is_workday(day)


def add_workdays(start: date, days: int) -> date:
    """The last day of a window of ``days`` working days starting at ``start`` (counted when
    ``start`` is a working day, otherwise from the next working day)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    calendar = Calendar({start.year, start.year + 1})
    day = start
    counted = 0
    while True:
        if day.year not in {start.year, start.year + 1}:
            calendar = Calendar({day.year, day.year + 1})
        if calendar.is_workday(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days are left from ``start`` until ``end``."""
    if end <= start:
        return 0
    calendar = Calendar(set(range(start.year, end.year + 1)))
    return sum(1 for n in range(1, (end - start).days + 1)
               if calendar.is_workday(start + timedelta(days=n)))


def unknown_year_message(year: int) -> str:
    """What the portal's users read when a year's working days are not known (no library named)."""
    from django.utils.translation import gettext

    return gettext(
        "The working days of %(year)s are not known yet: the State Council's holiday schedule for %(year)s has "
        "not been entered. A system administrator enters it under System administration; until then no "
        "deadline in %(year)s can be counted in working days.") % {"year": year}
