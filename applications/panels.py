"""What applications adds to the workspaces and to the public home page."""

from django.template.loader import render_to_string

from applications.selectors import (
    applications_of_parks,
    calls_managed_by,
    open_calls,
    parks_of,
)
from applications.services import call_accepts_park


def park_panel(request) -> str:
    parks = parks_of(request.user)
    applications = list(applications_of_parks(parks))
    started = {(a.call_id, a.park_id) for a in applications}
    calls = list(open_calls())  # one query, then matched to each park in Python
    startable = [(call, park) for park in parks for call in calls
                 if call_accepts_park(call, park) and (call.pk, park.pk) not in started]
    return render_to_string("applications/panels/park.html",
                            {"applications": applications, "startable": startable}, request=request)


def province_panel(request) -> str:
    return render_to_string("applications/panels/province.html",
                            {"calls": calls_managed_by(request.user)}, request=request)


def home_panel(request) -> str:
    return render_to_string("applications/panels/home.html", {"calls": open_calls()}, request=request)
