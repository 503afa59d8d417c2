from django.template.loader import render_to_string

from applications.selectors import parks_of
from rereview import selectors


def organiser_panel(request) -> str:
    """The organiser's workspace: the re-review rounds, and where to start one."""
    rounds = list(selectors.rounds_managed_by(request.user)[:5])
    return render_to_string("rereview/panels/organiser.html", {"rounds": rounds}, request=request)


def park_panel(request) -> str:
    """The park's workspace: its bases' re-reviews, with the outcome."""
    parks = parks_of(request.user)
    items = list(selectors.items_of_parks(parks)[:5]) if parks else []
    if not items:
        return ""
    return render_to_string("rereview/panels/park.html", {"items": items}, request=request)
