from django.utils import timezone

from portal.workdays import library_knows
from portal.workdays.models import CalendarYear


def years_overview(*, today=None) -> list[dict]:
    """This year, the next and every year with a record: who knows it (library / declared / nobody)."""
    today = today or timezone.localdate()
    records = {r.year: r for r in CalendarYear.objects.select_related("declared_by")}
    years = sorted(set(records) | {today.year, today.year + 1}, reverse=True)
    rows = []
    for year in years:
        record = records.get(year)
        declared = bool(record and record.declared_complete)
        rows.append({"year": year, "record": record, "library": library_knows(year), "declared": declared,
                     "known": library_knows(year) or declared})
    return rows


def unknown_coming_year(*, today=None) -> int | None:
    """From 1 November: next year when it is not known; any time: this year when it is not known."""
    from portal.workdays import year_is_known

    today = today or timezone.localdate()
    if not year_is_known(today.year):
        return today.year
    if today.month >= 11 and not year_is_known(today.year + 1):
        return today.year + 1
    return None
