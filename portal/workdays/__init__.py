"""Chinese official working days (工作日): weekends and statutory holidays off, make-up days (调休) on.

``chinesecalendar`` knows the years the State Council has published. A later year is known once an
officer has entered its State Council notice (``CalendarYear``: number, date, holiday ranges, make-up
working days) and declared it complete. The admin-editable ``WorkdayOverride`` table corrects single
days of a known year. A date of a year that neither the library nor a declared record covers raises
``UnknownYear``, whatever overrides exist: never a silent Monday-to-Friday guess.
"""

from datetime import MAXYEAR, MINYEAR, date, timedelta


class UnknownYear(Exception):
    def __init__(self, year: int):
        self.year = year
        from django.utils.translation import gettext

        super().__init__(gettext(
            "The working-day calendar of %(year)s is not known: the chinesecalendar library does not cover it "
            "and the State Council's holiday schedule for %(year)s has not been entered and declared complete "
            "(single workday overrides do not make a year known). An officer enters the notice, its holidays "
            "and make-up working days under Working-day calendar → %(year)s and declares the year complete.")
            % {"year": year})


def library_knows(year: int) -> bool:
    """Whether the chinesecalendar library has the State Council's schedule of ``year``."""
    import chinese_calendar

    if not MINYEAR <= year <= MAXYEAR:
        return False
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def year_is_known(year: int) -> bool:
    from portal.workdays.models import CalendarYear

    return library_knows(year) or CalendarYear.objects.filter(year=year, declared_complete=True).exists()


class Calendar:
    """Answers is_workday for a span of years with two queries (overrides, declared years).

    Order: a year neither the library nor a declared year record covers is unknown, whatever overrides
    exist; then a single override; then the declared record's holidays and make-up days; then the
    library; then the week."""

    def __init__(self, years: set[int]):
        from portal.workdays.models import CalendarYear, WorkdayOverride

        self.overrides = dict(WorkdayOverride.objects.filter(date__year__in=years)
                              .values_list("date", "is_workday"))
        self.declared = {record.year: (record.days_off(), record.days_on())
                         for record in CalendarYear.objects.filter(year__in=years, declared_complete=True)}
        self.library = {year: library_knows(year) for year in years}

    def is_workday(self, day: date) -> bool:
        known_by_library = self.library.get(day.year)
        if known_by_library is None:
            known_by_library = self.library[day.year] = library_knows(day.year)
        declared = self.declared.get(day.year)
        if not known_by_library and declared is None:
            raise UnknownYear(day.year)
        if day in self.overrides:
            return self.overrides[day]
        if declared is not None:
            days_off, days_on = declared
            if day in days_off:
                return False
            if day in days_on:
                return True
        if known_by_library:
            import chinese_calendar

            return chinese_calendar.is_workday(day)
        return day.weekday() < 5


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
