"""The year record's form: the State Council notice typed in as it reads, one holiday per line."""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?"
HOLIDAY_LINE = re.compile(rf"^(?P<name>[^\d\s]\S*)\s+{DATE}(?:\s*(?:至|到|~|～|-|—|－)\s*{DATE})?$")
MAKEUP_LINE = re.compile(rf"^{DATE}\s*(?P<note>.*)$")


def _date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


class _LinesField(forms.CharField):
    """A textarea read one non-empty line at a time into a list of rows (``parse_line``)."""

    def to_python(self, value):
        if isinstance(value, list):
            return value
        rows = []
        for n, line in enumerate((super().to_python(value) or "").splitlines(), start=1):
            line = line.strip()
            if line:
                rows.append(self.parse_line(n, line))
        return rows

    def prepare_value(self, value):
        return "\n".join(self.format_row(r) for r in value) if isinstance(value, list) else value


class HolidayLinesField(_LinesField):
    widget = forms.Textarea(attrs={"rows": 8})

    def parse_line(self, n: int, line: str) -> dict:
        match = HOLIDAY_LINE.match(line)
        if not match:
            raise forms.ValidationError(
                _("Line %(n)s is not understood: “%(line)s”. Write e.g. 春节 2027-02-05 至 2027-02-11."),
                params={"n": n, "line": line[:60]})
        g = match.groups()
        first = _date(*g[1:4])
        last = _date(*g[4:7]) if g[4] else first
        if first is None or last is None:
            raise forms.ValidationError(_("Line %(n)s has a date that does not exist."), params={"n": n})
        return {"name": match["name"], "first": first, "last": last}

    def format_row(self, r: dict) -> str:
        return f"{r['name']} {r['first']} 至 {r['last']}" if r["first"] != r["last"] else f"{r['name']} {r['first']}"


class MakeupLinesField(_LinesField):
    widget = forms.Textarea(attrs={"rows": 5})

    def parse_line(self, n: int, line: str) -> dict:
        match = MAKEUP_LINE.match(line)
        day = _date(*match.groups()[:3]) if match else None
        if day is None:
            raise forms.ValidationError(
                _("Line %(n)s is not understood: “%(line)s”. Write e.g. 2027-02-07 春节调休上班."),
                params={"n": n, "line": line[:60]})
        return {"date": day, "note": match["note"].strip()}

    def format_row(self, r: dict) -> str:
        return f"{r['date']} {r['note']}".strip()


class CalendarYearForm(forms.Form):
    notice_number = forms.CharField(
        label=_("State Council notice number"), max_length=60, required=False,
        help_text=_("The number of 国务院办公厅关于X年部分节假日安排的通知, e.g. 国办发明电〔2026〕7号."))
    notice_date = forms.DateField(label=_("Date of the notice"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    holidays = HolidayLinesField(
        label=_("Holidays (放假)"), required=False,
        help_text=_("One holiday per line, as the notice lists them: name, first day, last day, e.g. "
                    "“春节 2027-02-05 至 2027-02-11”. Every day of the range is a day off."))
    makeup_days = MakeupLinesField(
        label=_("Make-up working days (调休上班)"), required=False,
        help_text=_("One Saturday or Sunday per line that is a working day, e.g. “2027-02-07 春节调休”."))


class ReopenYearForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))
