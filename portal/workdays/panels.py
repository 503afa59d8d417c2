"""What the calendar adds to the organiser's and the administrator's workspace: from 1 November a
warning while next year's schedule is not declared complete, otherwise a link to the calendar."""

from django.template.loader import render_to_string

from portal.workdays.selectors import unknown_coming_year


def calendar_panel(request) -> str:
    if not request.user.has_perm("workdays.manage_calendar"):
        return ""
    return render_to_string("workdays/panels/calendar.html", {"unknown_year": unknown_coming_year()},
                            request=request)
