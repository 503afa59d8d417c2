"""What applications adds to the workspaces and to the public home page."""

from django.template.loader import render_to_string

from applications.selectors import (
    applications_of_parks,
    calls_managed_by,
    open_calls,
    open_calls_for_park,
    parks_of,
)


def park_panel(request) -> str:
    parks = parks_of(request.user)
    applications = list(applications_of_parks(parks))
    started = {(a.call_id, a.park_id) for a in applications}
    startable = [(call, park) for park in parks for call in open_calls_for_park(park)
                 if (call.pk, park.pk) not in started]
    return render_to_string("applications/panels/park.html",
                            {"applications": applications, "startable": startable}, request=request)


def province_panel(request) -> str:
    return render_to_string("applications/panels/province.html",
                            {"calls": calls_managed_by(request.user)}, request=request)


def home_panel(request) -> str:
    return render_to_string("applications/panels/home.html", {"calls": open_calls()}, request=request)
